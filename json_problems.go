package ecsdeploy

import (
	"errors"
	"strings"
)

// memberProblems splits a codec error: member problems (unknown or
// mistyped members, decoding went on) come back as a list of
// *ValidationError; anything else (malformed JSON, invalid UTF-8, too deep
// nesting) is fatal and comes back joined.
func memberProblems(err error, root, model string) (problems []error, fatal error) {
	if err == nil {
		return nil, nil
	}
	list := decodeProblemList(err, "", root, model)
	if _, many := err.(interface{ Unwrap() []error }); many {
		return list, nil
	}
	return nil, errors.Join(list...)
}

// withValidation appends the problems of verr (a validation result) to
// problems, except those about a member a decoding problem already names
// (a mistyped desiredCount is not also "required"). When a member was
// unknown, the rules are not reported at all: a misspelt "imag" would
// otherwise also read as a missing image.
func withValidation(problems []error, verr error) []error {
	if verr == nil {
		return problems
	}
	var decoded []string
	for _, p := range problems {
		var ve *ValidationError
		if errors.As(p, &ve) {
			if strings.HasPrefix(ve.Rule, "unknown field") {
				return problems
			}
			decoded = append(decoded, ve.Field)
		}
	}
	list := []error{verr}
	if many, ok := verr.(interface{ Unwrap() []error }); ok {
		list = many.Unwrap()
	}
	out := problems
	for _, e := range list {
		var ve *ValidationError
		if errors.As(e, &ve) && shadowed(ve.Field, decoded) {
			continue
		}
		out = append(out, e)
	}
	return out
}

// shadowed reports whether field is, contains or is inside one of paths.
func shadowed(field string, paths []string) bool {
	for _, p := range paths {
		if field == p || within(field, p) || within(p, field) {
			return true
		}
	}
	return false
}

// within reports whether path a lies inside path b ("b.x", "b[0]").
func within(a, b string) bool {
	return strings.HasPrefix(a, b) && len(a) > len(b) && (a[len(b)] == '.' || a[len(b)] == '[')
}
