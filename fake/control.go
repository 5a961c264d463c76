package fake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"reflect"
	"strings"
)

// controlRoute is one control endpoint: its method and handler. A handler
// returns the value to answer with (JSON, HTTP 200) or a *controlError.
type controlRoute struct {
	method string
	handle func(s *Server, r *http.Request, body []byte) (any, error)
}

// controlNames lists the controls, sorted, for error messages.
const controlNames = "advance, autoscaling-groups, calls, faults, instances, load, lose-instance, reset, spot, target-health-faults, time"

// controlRoute returns the route for the control name (the path below
// ControlPrefix) and request method; ok is false for an unknown name. When
// the name is known but the method is not, the route of its main method is
// returned, with allow listing every method it takes.
func controlRouteFor(name, method string) (route controlRoute, allow string, ok bool) {
	switch name {
	case "advance":
		return controlRoute{http.MethodPost, (*Server).controlAdvance}, http.MethodPost, true
	case "time":
		return controlRoute{http.MethodGet, (*Server).controlTime}, http.MethodGet, true
	case "faults":
		allow = http.MethodGet + ", " + http.MethodPost + ", " + http.MethodDelete
		if method == http.MethodDelete {
			return controlRoute{http.MethodDelete, (*Server).controlClearFaults}, allow, true
		}
		if method == http.MethodGet {
			return controlRoute{http.MethodGet, (*Server).controlListFaults}, allow, true
		}
		return controlRoute{http.MethodPost, (*Server).controlFaults}, allow, true
	case "instances":
		return controlRoute{http.MethodPost, (*Server).controlInstances}, http.MethodPost, true
	case "lose-instance":
		return controlRoute{http.MethodPost, (*Server).controlLoseInstance}, http.MethodPost, true
	case "calls":
		return controlRoute{http.MethodGet, (*Server).controlCalls}, http.MethodGet, true
	case "reset":
		return controlRoute{http.MethodPost, (*Server).controlReset}, http.MethodPost, true
	case "load": // control_load.go
		return controlRoute{http.MethodPost, (*Server).controlLoad}, http.MethodPost, true
	case "autoscaling-groups": // control_asg.go
		allow = http.MethodGet + ", " + http.MethodPost
		if method == http.MethodGet {
			return controlRoute{http.MethodGet, (*Server).controlDescribeGroup}, allow, true
		}
		return controlRoute{http.MethodPost, (*Server).controlAutoScalingGroups}, allow, true
	case "spot": // control_spot.go
		return controlRoute{http.MethodPost, (*Server).controlSpot}, http.MethodPost, true
	case "target-health-faults": // control_elbv2.go
		allow = http.MethodPost + ", " + http.MethodDelete
		if method == http.MethodDelete {
			return controlRoute{http.MethodDelete, (*Server).controlTargetHealthFaults}, allow, true
		}
		return controlRoute{http.MethodPost, (*Server).controlTargetHealthFaults}, allow, true
	}
	return controlRoute{}, "", false
}

// controlError is a control failure answered as {"message": ...} with an
// HTTP status.
type controlError struct {
	status  int
	code    string // optional: the ECS error code behind it
	message string
}

func (e *controlError) Error() string { return e.message }

func badRequest(format string, a ...any) error {
	return &controlError{status: http.StatusBadRequest, message: fmt.Sprintf(format, a...)}
}

// noBody refuses a body on a control that changes state and takes none
// (reset and the DELETEs): an empty body or {} is fine, any member is an
// unknown field, so that a request meant to do less (delete one fault,
// keep some state) does not do everything silently.
func noBody(body []byte) error {
	return decodeControl(body, &struct{}{}, false)
}

// serveControl answers the JSON controls under ControlPrefix.
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	name := strings.Trim(strings.TrimPrefix(r.URL.Path, strings.TrimSuffix(ControlPrefix, "/")), "/")
	route, allow, ok := controlRouteFor(name, r.Method)
	if !ok {
		writeControlError(w, &controlError{status: http.StatusNotFound,
			message: fmt.Sprintf("%s: unknown control; known: %s", clipString(r.URL.Path, maxEchoBytes), controlNames)})
		return
	}
	if r.Method != route.method {
		w.Header().Set("Allow", allow)
		writeControlError(w, &controlError{status: http.StatusMethodNotAllowed,
			message: fmt.Sprintf("%s %s: method not allowed; use %s", clipString(r.Method, 32), clipString(r.URL.Path, maxEchoBytes), allow)})
		return
	}
	var body []byte
	if r.Body != nil {
		var err error
		body, err = io.ReadAll(http.MaxBytesReader(w, r.Body, MaxRequestBytes))
		if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				writeControlError(w, &controlError{status: http.StatusRequestEntityTooLarge,
					message: fmt.Sprintf("request body exceeds %d bytes", MaxRequestBytes)})
				return
			}
			writeControlError(w, badRequest("reading request body: %v", err))
			return
		}
	}
	out, err := route.handle(s, r, body)
	if err != nil {
		writeControlError(w, err)
		return
	}
	writeControlJSON(w, http.StatusOK, out)
}

// decodeControl decodes a JSON object body into v, rejecting unknown
// members, trailing data and an empty body when required.
func decodeControl(body []byte, v any, required bool) error {
	if len(bytes.TrimSpace(body)) == 0 {
		if required {
			return badRequest("request body: a JSON object is required")
		}
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return badRequest("request body: %s", jsonErrorText(err))
	}
	if dec.More() {
		return badRequest("request body: unexpected data after the JSON object")
	}
	return nil
}

// jsonErrorText words a decoding error with the member it concerns.
func jsonErrorText(err error) string {
	var typeErr *json.UnmarshalTypeError
	if errors.As(err, &typeErr) && typeErr.Field != "" {
		field := clipString(typeErr.Field, maxEchoBytes) // a map key can be long
		if lo, hi, ok := intRange(typeErr.Type.Kind()); ok && strings.HasPrefix(typeErr.Value, "number") {
			// A number that is fractional or out of the field's range.
			return fmt.Sprintf("%s: must be an integer between %d and %d", field, lo, hi)
		}
		return fmt.Sprintf("%s: must be a JSON %s, not %s", field, jsonKind(typeErr.Type.Kind().String()), clipString(typeErr.Value, maxEchoBytes))
	}
	if errors.As(err, &typeErr) { // the body itself
		return fmt.Sprintf("must be a JSON %s, not %s", jsonKind(typeErr.Type.Kind().String()), clipString(typeErr.Value, maxEchoBytes))
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return clipString(f, maxEchoBytes) + ": unknown field"
	}
	return strings.TrimPrefix(msg, "json: ")
}

// intRange is the range of a Go integer kind (ok false for other kinds).
func intRange(k reflect.Kind) (lo, hi int64, ok bool) {
	switch k {
	case reflect.Int, reflect.Int64:
		return math.MinInt64, math.MaxInt64, true
	case reflect.Int32:
		return math.MinInt32, math.MaxInt32, true
	case reflect.Int16:
		return math.MinInt16, math.MaxInt16, true
	case reflect.Int8:
		return math.MinInt8, math.MaxInt8, true
	}
	return 0, 0, false
}

func jsonKind(goKind string) string {
	switch goKind {
	case "string":
		return "string"
	case "bool":
		return "boolean"
	case "map", "struct":
		return "object"
	case "slice", "array":
		return "array"
	default:
		return "number"
	}
}

func writeControlJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		status = http.StatusInternalServerError
		data, _ = json.Marshal(map[string]string{"message": "encoding response: " + err.Error()})
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(data)
	_, _ = w.Write([]byte{'\n'}) // not append: that copies a large answer
}

func writeControlError(w http.ResponseWriter, err error) {
	var ce *controlError
	if !errors.As(err, &ce) {
		ce = &controlError{status: http.StatusInternalServerError, message: err.Error()}
	}
	body := struct {
		Message string `json:"message"`
		Code    string `json:"code,omitempty"`
	}{clipString(ce.message, 16<<10), ce.code}
	writeControlJSON(w, ce.status, body)
}
