package ecsdeploy

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// ValidationError is one problem found in a task definition or service
// before any API call: the field path (in the JSON form ECS uses, for
// example "containerDefinitions[1].portMappings[0].hostPort") and the rule
// it breaks.
type ValidationError struct {
	// Field is the path of the offending field.
	Field string
	// Rule says what the field must satisfy.
	Rule string
}

// Error returns "Field: Rule".
func (e *ValidationError) Error() string { return fmt.Sprintf("%s: %s", e.Field, e.Rule) }

// ValidateTaskDefinitionInput checks a RegisterTaskDefinition request
// against the rules ECS enforces. It returns nil or the errors.Join of
// every *ValidationError found, in a stable order. It never panics and never
// modifies in. A huge request costs a bounded allocation: past the
// 10-container quota (one problem) the other containers' own rules, text,
// names and dependsOn cycles are not examined (a reference to a name not
// among the first 10 is then not reported: it may be a later container's),
// and the 64 KiB size is counted without keeping the JSON, only up to
// twice the quota ("is more than 131072 bytes of JSON").
func ValidateTaskDefinitionInput(in *ecs.RegisterTaskDefinitionInput) error {
	if in == nil {
		return errors.Join(&ValidationError{Field: "taskDefinition", Rule: "must not be nil"})
	}
	p := &problems{}
	c := newTaskContext(in, p)
	validateTask(c)
	// Past the container quota (reported once by validateTask) the rest
	// are not examined: their problems would only pile up.
	for i := range len(examinedContainers(in)) {
		validateContainer(c, i)
	}
	validateContainerSet(c)
	validateSize(in, p)
	view := *in // a shallow copy: in is not modified
	view.ContainerDefinitions = examinedContainers(in)
	validateUTF8(p, "", reflect.ValueOf(&view).Elem())
	return p.err()
}

// examinedContainers returns the containers whose own rules are checked:
// those within the container quota.
func examinedContainers(in *ecs.RegisterTaskDefinitionInput) []types.ContainerDefinition {
	return in.ContainerDefinitions[:min(len(in.ContainerDefinitions), MaxContainersPerTaskDefinition)]
}

// MaxReportedProblems is the most ValidationErrors a validation returns.
// Past it, one last ValidationError (field "taskDefinition" or "service")
// counts the problems not listed, so that a hostile request (say 349,000
// empty containers) costs a bounded answer, not one problem per element.
const MaxReportedProblems = 50

// maxFieldBytes and maxRuleBytes bound the text of one ValidationError:
// rules that quote the input never echo more than a short prefix of it.
const (
	maxFieldBytes = 256
	maxRuleBytes  = 512
)

// problems collects ValidationErrors, at most MaxReportedProblems of them;
// more counts the rest. root names the request in the "more" entry.
type problems struct {
	root string
	errs []error
	more int
}

// full reports whether the list is complete: further problems are only
// counted, so callers may skip building their paths.
func (p *problems) full() bool { return len(p.errs) >= MaxReportedProblems }

func (p *problems) add(field, format string, args ...any) {
	if p.full() {
		p.more++
		return
	}
	p.errs = append(p.errs, &ValidationError{Field: clipText(field, maxFieldBytes),
		Rule: clipText(fmt.Sprintf(format, args...), maxRuleBytes)})
}

func (p *problems) err() error {
	if p.more == 0 {
		return errors.Join(p.errs...)
	}
	root := p.root
	if root == "" {
		root = "taskDefinition"
	}
	more := &ValidationError{Field: root, Rule: fmt.Sprintf("%d more problems not listed (at most %d are reported)", p.more, MaxReportedProblems)}
	return errors.Join(append(p.errs, more)...)
}

// clipText returns s cut to at most max bytes (at a UTF-8 boundary, the
// cut marked with the number of bytes left out).
func clipText(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max - 32
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return fmt.Sprintf("%s...(%d more bytes)", s[:cut], len(s)-cut)
}

// nameRE is the syntax of family, container, service and volume names:
// "Up to 255 letters (uppercase and lowercase), numbers, underscores, and
// hyphens are allowed." (ECS API Reference, RegisterTaskDefinition.family).
var nameRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,255}$`)

const nameRule = "must be 1-255 letters, numbers, hyphens and underscores"

func validName(s string) bool { return nameRE.MatchString(s) }

// oneOf reports whether v is one of the SDK enum's known values.
func oneOf[T ~string](v T, values []T) bool { return slices.Contains(values, v) }

// enumList renders the allowed values of an enum for a rule text.
func enumList[T ~string](values []T) string {
	s := ""
	for i, v := range values {
		if i > 0 {
			s += ", "
		}
		s += string(v)
	}
	return s
}

func deref[T any](p *T) T {
	if p == nil {
		var z T
		return z
	}
	return *p
}

// validateTags checks the ECS tag rules: at most 50 tags, keys 1-128
// characters, values at most 256, unique keys, no "aws:" prefix (ECS API
// Reference, Tag).
func validateTags(p *problems, field string, tags []types.Tag) {
	if len(tags) > 50 {
		p.add(field, "at most 50 tags are allowed, got %d", len(tags))
		tags = tags[:50] // the rest are not examined
	}
	seen := map[string]bool{}
	for i, t := range tags {
		f := fmt.Sprintf("%s[%d]", field, i)
		k := deref(t.Key)
		switch {
		case k == "" || len(k) > 128:
			p.add(f+".key", "must be 1-128 characters")
		case len(k) >= 4 && (k[:4] == "aws:" || k[:4] == "AWS:" || k[:4] == "Aws:"):
			p.add(f+".key", "the aws: prefix is reserved for AWS use")
		case seen[k]:
			p.add(f+".key", "duplicate tag key %q", k)
		}
		seen[k] = true
		if len(deref(t.Value)) > 256 {
			p.add(f+".value", "must be at most 256 characters")
		}
	}
}
