package awsjson

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"
)

// DefaultPrefix is the X-Amz-Target prefix of Amazon ECS.
const DefaultPrefix = "AmazonEC2ContainerServiceV20141113"

// MaxBodyBytes is the largest request body accepted (1 MiB). A larger body is answered with HTTP
// 413 and the error code "RequestEntityTooLargeException", the code AWS front ends use for it.
const MaxBodyBytes = 1 << 20

// ContentType is the media type of AWS JSON 1.1 requests and responses.
const ContentType = "application/x-amz-json-1.1"

// HandlerOption configures NewHandler.
type HandlerOption func(*handler)

// WithPrefix sets the X-Amz-Target prefix (default DefaultPrefix).
func WithPrefix(prefix string) HandlerOption {
	return func(h *handler) { h.prefix = prefix }
}

// WithContext derives the context of every call from the request context and the region found
// in the request's SigV4 credential scope ("" when the request is unsigned).
func WithContext(f func(ctx context.Context, region string) context.Context) HandlerOption {
	return func(h *handler) { h.withContext = f }
}

// WithMaxBodyBytes sets the largest request body accepted (default MaxBodyBytes). CloudWatch Logs
// needs more than 1 MiB: a PutLogEvents batch may carry 1,048,576 bytes of messages plus its JSON.
func WithMaxBodyBytes(n int64) HandlerOption {
	return func(h *handler) {
		if n > 0 {
			h.maxBody = n
		}
	}
}

// WithDisallowUnknownFields makes request members unknown to the input type a
// SerializationException naming the member, instead of being ignored.
func WithDisallowUnknownFields() HandlerOption {
	return func(h *handler) { h.opts.DisallowUnknownFields = true }
}

type handler struct {
	prefix      string
	withContext func(context.Context, string) context.Context
	opts        UnmarshalOptions
	ops         map[string]operation
	maxBody     int64
	requests    atomic.Uint64
	buffers     sync.Pool // *[]byte response buffers
}

// NewHandler serves service over AWS JSON 1.1: `POST /` with header
// `X-Amz-Target: <prefix>.<Operation>` calls service's method
//
//	<Operation>(ctx, *ecs.<Operation>Input, ...func(*ecs.Options)) (*ecs.<Operation>Output, error)
//
// found by reflection (see Operations), and writes its output as JSON. Errors are
// {"__type": code, "message": text}: a smithy.APIError gives its ErrorCode with HTTP 400, or 500
// when its fault is smithy.FaultServer; an unknown operation is UnknownOperationException;
// malformed JSON or a wrongly typed member is SerializationException naming the member's path; a
// body over MaxBodyBytes is RequestEntityTooLargeException (413); any other Go error is
// InternalFailure (500); a panic in the service is recovered and answered as ServerException (500).
// SigV4 signatures are accepted without checking.
func NewHandler(service any, opts ...HandlerOption) http.Handler {
	h := &handler{prefix: DefaultPrefix, ops: operationsOf(service), maxBody: MaxBodyBytes}
	for _, o := range opts {
		o(h)
	}
	return h
}

func (h *handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("x-amzn-RequestId", h.requestID())
	if r.Method != http.MethodPost || r.URL.Path != "/" {
		writeError(w, http.StatusNotFound, "UnknownOperationException",
			fmt.Sprintf("%s %s: only POST / is served", clip(r.Method, 32), clip(r.URL.Path, 256)))
		return
	}
	target := r.Header.Get("X-Amz-Target")
	name, ok := strings.CutPrefix(target, h.prefix+".")
	op, known := h.ops[name]
	if !ok || !known {
		writeError(w, http.StatusBadRequest, "UnknownOperationException",
			fmt.Sprintf("X-Amz-Target %q: unknown operation", clip(target, 256)))
		return
	}
	body, status, code, msg := readBody(w, r, h.maxBody)
	if status != 0 {
		writeError(w, status, code, msg)
		return
	}
	in := reflect.New(op.in)
	if err := Unmarshal(body, in.Interface(), h.opts); err != nil {
		writeError(w, http.StatusBadRequest, "SerializationException", err.Error())
		return
	}
	ctx := r.Context()
	if h.withContext != nil {
		ctx = h.withContext(ctx, regionFromAuthorization(r.Header.Get("Authorization")))
	}
	out, err := call(ctx, op, in)
	if err != nil {
		writeAPIError(w, err)
		return
	}
	bp, _ := h.buffers.Get().(*[]byte)
	if bp == nil {
		bp = new([]byte)
	}
	data, err := AppendMarshal((*bp)[:0], out)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "InternalFailure", "encoding response: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
	if cap(data) <= 4*MaxBodyBytes { // do not keep huge buffers alive
		*bp = data
		h.buffers.Put(bp)
	}
}

// readBody reads at most limit bytes of the request body; an empty body reads as "{}". On
// failure it returns the HTTP status, error code and message to answer.
func readBody(w http.ResponseWriter, r *http.Request, limit int64) (body []byte, status int, code, msg string) {
	reqBody := r.Body
	if reqBody == nil {
		reqBody = http.NoBody
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, reqBody, limit))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return nil, http.StatusRequestEntityTooLarge, "RequestEntityTooLargeException",
				fmt.Sprintf("request body exceeds %d bytes", limit)
		}
		return nil, http.StatusBadRequest, "SerializationException", "reading request body: " + err.Error()
	}
	if len(bytes.TrimSpace(body)) == 0 {
		body = []byte("{}")
	}
	return body, 0, "", ""
}

// call invokes the operation, turning a panic into a *types.ServerException.
func call(ctx context.Context, op operation, in reflect.Value) (out any, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, &types.ServerException{Message: ptr(fmt.Sprintf("%s: internal error: %v", op.name, p))}
		}
	}()
	res := op.method.Call([]reflect.Value{reflect.ValueOf(ctx), in})
	if e := res[1].Interface(); e != nil {
		return nil, e.(error)
	}
	return res[0].Interface(), nil
}

func ptr[T any](v T) *T { return &v }

// requestID makes a UUID-shaped, per-handler unique request id.
func (h *handler) requestID() string {
	n := h.requests.Add(1)
	return fmt.Sprintf("%08x-0000-4000-8000-%012x", uint32(n>>48), n&0xffffffffffff)
}

// writeAPIError answers err in the AWS JSON 1.1 error shape.
func writeAPIError(w http.ResponseWriter, err error) {
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) {
		writeError(w, http.StatusInternalServerError, "InternalFailure", err.Error())
		return
	}
	status := http.StatusBadRequest
	if apiErr.ErrorFault() == smithy.FaultServer {
		status = http.StatusInternalServerError
	}
	writeErrorMembers(w, status, apiErr.ErrorCode(), apiErr.ErrorMessage(), errorMembers(apiErr))
}

// ecsTypesPkg is the import path of the ECS exception types.
var ecsTypesPkg = reflect.TypeFor[types.ServerException]().PkgPath()

// errorMembers encodes the members of an ECS exception struct other than its message (e.g.
// ConflictException.resourceIds) as JSON object members ending in a comma, or "" when there are
// none or apiErr is not an ECS exception type.
func errorMembers(apiErr smithy.APIError) string {
	v := reflect.ValueOf(apiErr)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct ||
		v.Elem().Type().PkgPath() != ecsTypesPkg {
		return ""
	}
	v = v.Elem()
	e := encoder{}
	for _, f := range structInfoOf(v.Type()).fields {
		fv := v.Field(f.index)
		if f.name == "message" || omit(fv) {
			continue
		}
		mark := len(e.buf)
		e.buf = append(e.buf, f.key...)
		if err := e.value(fv, 1); err != nil {
			e.buf = e.buf[:mark]
			continue
		}
		e.buf = append(e.buf, ',')
	}
	return string(e.buf)
}

func writeError(w http.ResponseWriter, status int, code, message string) {
	writeErrorMembers(w, status, code, message, "")
}

// MaxErrorMessageBytes bounds the message of an error answer: longer
// messages are cut (at a UTF-8 boundary, the cut marked), so an answer
// never echoes unbounded input.
const MaxErrorMessageBytes = 16 << 10

// clip cuts s to at most max bytes at a UTF-8 boundary and marks the cut
// with the number of bytes left out.
func clip(s string, max int) string {
	if len(s) <= max {
		return s
	}
	cut := max
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "...(" + strconv.Itoa(len(s)-cut) + " more bytes)"
}

// writeErrorMembers writes {"__type": code, <members>"message": message},
// the message cut to MaxErrorMessageBytes.
func writeErrorMembers(w http.ResponseWriter, status int, code, message, members string) {
	code, message = clip(code, 256), clip(message, MaxErrorMessageBytes)
	e := encoder{buf: make([]byte, 0, 64+len(message)+len(members))}
	e.buf = append(e.buf, `{"__type":`...)
	e.str(code)
	e.buf = append(e.buf, ',')
	e.buf = append(e.buf, members...)
	e.buf = append(e.buf, `"message":`...)
	e.str(message)
	e.buf = append(e.buf, '}')
	w.Header().Set("Content-Type", ContentType)
	w.WriteHeader(status)
	_, _ = w.Write(e.buf)
}
