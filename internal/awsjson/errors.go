package awsjson

import "fmt"

// UnknownFieldError reports a JSON member that the target type does not have. It is returned by
// Unmarshal only when UnmarshalOptions.DisallowUnknownFields is set.
type UnknownFieldError struct {
	// Path is the member's location, e.g. "containerDefinitions[0].imagee".
	Path string
}

// Error implements error.
func (e *UnknownFieldError) Error() string {
	return fmt.Sprintf("%s: unknown field", e.Path)
}

// DecodeError reports input that is not valid for the target type: malformed JSON, a value of the
// wrong JSON type, a number out of range, invalid UTF-8 or too deep nesting.
type DecodeError struct {
	// Path is the location of the offending value ("" for the whole document).
	Path string
	// Msg says what was wrong.
	Msg string
	// Line and Column (1-based, in bytes) locate malformed JSON; 0 otherwise.
	Line, Column int
}

// Error implements error.
func (e *DecodeError) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}
