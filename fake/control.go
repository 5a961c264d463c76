package fake

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strings"
)

// controlRoute is one control endpoint: its method and handler. A handler
// returns the value to answer with (JSON, HTTP 200) or a *controlError.
type controlRoute struct {
	method string
	handle func(s *Server, r *http.Request, body []byte) (any, error)
}

// controlRoutes maps the path below ControlPrefix to its route.
var controlRoutes = map[string]controlRoute{
	"advance":   {http.MethodPost, (*Server).controlAdvance},
	"time":      {http.MethodGet, (*Server).controlTime},
	"faults":    {http.MethodPost, (*Server).controlFaults},
	"instances": {http.MethodPost, (*Server).controlInstances},
	"calls":     {http.MethodGet, (*Server).controlCalls},
	"reset":     {http.MethodPost, (*Server).controlReset},
}

// controlFaultsDelete clears faults: DELETE /_fake/v1/faults.
var controlFaultsDelete = controlRoute{http.MethodDelete, (*Server).controlClearFaults}

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

// serveControl answers the JSON controls under ControlPrefix.
func (s *Server) serveControl(w http.ResponseWriter, r *http.Request) {
	name := strings.Trim(strings.TrimPrefix(r.URL.Path, strings.TrimSuffix(ControlPrefix, "/")), "/")
	route, ok := controlRoutes[name]
	if name == "faults" && r.Method == http.MethodDelete {
		route = controlFaultsDelete
	}
	if !ok {
		names := make([]string, 0, len(controlRoutes))
		for n := range controlRoutes {
			names = append(names, n)
		}
		slices.Sort(names)
		writeControlError(w, &controlError{status: http.StatusNotFound,
			message: fmt.Sprintf("%s: unknown control; known: %s", r.URL.Path, strings.Join(names, ", "))})
		return
	}
	if r.Method != route.method {
		allow := route.method
		if name == "faults" {
			allow += ", " + http.MethodDelete
		}
		w.Header().Set("Allow", allow)
		writeControlError(w, &controlError{status: http.StatusMethodNotAllowed,
			message: fmt.Sprintf("%s %s: method not allowed; use %s", r.Method, r.URL.Path, allow)})
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
		return fmt.Sprintf("%s: must be a JSON %s, not %s", typeErr.Field, jsonKind(typeErr.Type.Kind().String()), typeErr.Value)
	}
	msg := err.Error()
	if f, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return f + ": unknown field"
	}
	return strings.TrimPrefix(msg, "json: ")
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
	_, _ = w.Write(append(data, '\n'))
}

func writeControlError(w http.ResponseWriter, err error) {
	var ce *controlError
	if !errors.As(err, &ce) {
		ce = &controlError{status: http.StatusInternalServerError, message: err.Error()}
	}
	body := struct {
		Message string `json:"message"`
		Code    string `json:"code,omitempty"`
	}{ce.message, ce.code}
	writeControlJSON(w, ce.status, body)
}
