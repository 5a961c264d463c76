package awsquery

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"

	"github.com/aws/smithy-go"

	"github.com/ecsdeploy/ecsdeploy/internal/awsjson"
	"github.com/ecsdeploy/ecsdeploy/internal/sdkreflect"
)

// MaxBodyBytes is the largest request body accepted (1 MiB); a larger one is answered HTTP 413.
const MaxBodyBytes = 1 << 20

// ContentType is the media type of Query requests.
const ContentType = "application/x-www-form-urlencoded"

// Service names the API a Handler serves: its Version parameter and XML namespace.
type Service struct {
	// Version is the API version requests must name (for ELBv2 "2015-12-01").
	Version string
	// Namespace is the xmlns of responses (for ELBv2
	// "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/").
	Namespace string
}

// ELBv2 is Elastic Load Balancing v2's Service.
var ELBv2 = Service{Version: "2015-12-01", Namespace: "http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"}

// HandlerOption configures NewHandler.
type HandlerOption func(*Handler)

// WithContext derives the context of every call from the request context and the region found
// in the request's SigV4 credential scope ("" when the request is unsigned).
func WithContext(f func(ctx context.Context, region string) context.Context) HandlerOption {
	return func(h *Handler) { h.withContext = f }
}

// WithDisallowUnknownFields makes parameters naming members unknown to the input type an error
// (ValidationError) instead of being ignored.
func WithDisallowUnknownFields() HandlerOption {
	return func(h *Handler) { h.opts.DisallowUnknownFields = true }
}

// Handler serves a service over the AWS Query protocol; see NewHandler.
type Handler struct {
	svc         Service
	withContext func(context.Context, string) context.Context
	opts        UnmarshalOptions
	ops         map[string]sdkreflect.Operation
	requests    atomic.Uint64
}

// NewHandler serves service over the AWS Query protocol: `POST /` with a form-encoded body
// `Action=<Operation>&Version=<svc.Version>&...` calls service's method
//
//	<Operation>(ctx, *<Operation>Input, ...func(*Options)) (*<Operation>Output, error)
//
// found by reflection, and writes its output as XML (see AppendResponse). Errors are
// <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>: a
// smithy.APIError gives its ErrorCode, with Type Sender and HTTP 400, or Receiver and 500 when
// its fault is smithy.FaultServer; no Action is MissingAction, an unknown one InvalidAction, a
// missing Version MissingParameter and another Version NoSuchVersion (all 400); an unparsable
// body MalformedQueryString and a badly typed parameter ValidationError naming it (400); a body
// over MaxBodyBytes 413; any other Go error InternalFailure (500); a panic in the service is
// recovered as InternalFailure (500). SigV4 signatures are accepted without checking.
func NewHandler(service any, svc Service, opts ...HandlerOption) *Handler {
	h := &Handler{svc: svc, ops: sdkreflect.Operations(service)}
	for _, o := range opts {
		o(h)
	}
	return h
}

// Operations lists, sorted, the operations h answers.
func (h *Handler) Operations() []string {
	names := make([]string, 0, len(h.ops))
	for n := range h.ops {
		names = append(names, n)
	}
	slices.Sort(names)
	return names
}

// IsQueryRequest reports whether r looks like an AWS Query call: a POST with a form-encoded body
// and no X-Amz-Target header.
func IsQueryRequest(r *http.Request) bool {
	if r.Method != http.MethodPost || r.Header.Get("X-Amz-Target") != "" {
		return false
	}
	ct, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	return strings.EqualFold(strings.TrimSpace(ct), ContentType)
}

// ServeHTTP answers one Query request.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := h.requestID()
	w.Header().Set("x-amzn-RequestId", reqID)
	if r.Method != http.MethodPost || r.URL.Path != "/" {
		writeError(w, http.StatusNotFound, "Sender", "InvalidAction", fmt.Sprintf("%s %s: only POST / is served", r.Method, r.URL.Path), reqID)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxBodyBytes))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			writeError(w, http.StatusRequestEntityTooLarge, "Sender", "RequestEntityTooLarge",
				fmt.Sprintf("request body exceeds %d bytes", MaxBodyBytes), reqID)
			return
		}
		writeError(w, http.StatusBadRequest, "Sender", "MalformedQueryString", "reading request body: "+err.Error(), reqID)
		return
	}
	form, err := url.ParseQuery(string(body))
	if err != nil {
		writeError(w, http.StatusBadRequest, "Sender", "MalformedQueryString", err.Error(), reqID)
		return
	}
	action := form.Get("Action")
	op, known := h.ops[action]
	switch {
	case action == "":
		writeError(w, http.StatusBadRequest, "Sender", "MissingAction", "The request must contain the parameter Action.", reqID)
		return
	case !known:
		writeError(w, http.StatusBadRequest, "Sender", "InvalidAction",
			fmt.Sprintf("The action %s is not valid for this web service.", action), reqID)
		return
	case form.Get("Version") == "":
		writeError(w, http.StatusBadRequest, "Sender", "MissingParameter", "The request must contain the parameter Version.", reqID)
		return
	case form.Get("Version") != h.svc.Version:
		writeError(w, http.StatusBadRequest, "Sender", "NoSuchVersion",
			fmt.Sprintf("The requested version (%s) of service %s does not exist.", form.Get("Version"), action), reqID)
		return
	}
	in := reflect.New(op.In)
	if err := Unmarshal(form, in.Interface(), h.opts); err != nil {
		writeError(w, http.StatusBadRequest, "Sender", "ValidationError", err.Error(), reqID)
		return
	}
	ctx := r.Context()
	if h.withContext != nil {
		ctx = h.withContext(ctx, awsjson.RegionFromAuthorization(r.Header.Get("Authorization")))
	}
	out, err := call(ctx, op, in)
	if err != nil {
		writeAPIError(w, err, reqID)
		return
	}
	data, err := AppendResponse(make([]byte, 0, 1024), action, h.svc.Namespace, reqID, out)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "Receiver", "InternalFailure", "encoding response: "+err.Error(), reqID)
		return
	}
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}

// call invokes the operation, turning a panic into an InternalFailure error.
func call(ctx context.Context, op sdkreflect.Operation, in reflect.Value) (out any, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, &smithy.GenericAPIError{Code: "InternalFailure",
				Message: fmt.Sprintf("%s: internal error: %v", op.Name, p), Fault: smithy.FaultServer}
		}
	}()
	res := op.Method.Call([]reflect.Value{reflect.ValueOf(ctx), in})
	if e := res[1].Interface(); e != nil {
		return nil, e.(error)
	}
	return res[0].Interface(), nil
}

// requestID makes a UUID-shaped, per-handler unique request id.
func (h *Handler) requestID() string {
	n := h.requests.Add(1)
	return fmt.Sprintf("%08x-0000-4000-9000-%012x", uint32(n>>48), n&0xffffffffffff)
}

// writeAPIError answers err in the Query error shape.
func writeAPIError(w http.ResponseWriter, err error, reqID string) {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		writeError(w, http.StatusInternalServerError, "Receiver", "InternalFailure", err.Error(), reqID)
		return
	}
	status, typ := http.StatusBadRequest, "Sender"
	if apiErr.ErrorFault() == smithy.FaultServer {
		status, typ = http.StatusInternalServerError, "Receiver"
	}
	if apiErr.ErrorCode() == "PriorRequestNotComplete" {
		status = http.StatusTooManyRequests // the model's httpStatusCode for PriorRequestNotComplete
	}
	writeError(w, status, typ, apiErr.ErrorCode(), apiErr.ErrorMessage(), reqID)
}

// writeError writes the Query error document.
func writeError(w http.ResponseWriter, status int, typ, code, message, reqID string) {
	e := encoder{buf: make([]byte, 0, 256+len(message))}
	e.buf = append(e.buf, `<?xml version="1.0" encoding="UTF-8"?>`+"\n<ErrorResponse><Error><Type>"...)
	e.text(typ)
	e.buf = append(e.buf, "</Type><Code>"...)
	e.text(code)
	e.buf = append(e.buf, "</Code><Message>"...)
	e.text(message)
	e.buf = append(e.buf, "</Message></Error><RequestId>"...)
	e.text(reqID)
	e.buf = append(e.buf, "</RequestId></ErrorResponse>\n"...)
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	_, _ = w.Write(e.buf)
}
