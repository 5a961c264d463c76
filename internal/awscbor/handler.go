package awscbor

import (
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"

	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/encoding/cbor"

	"github.com/ecsdeploy/ecsdeploy/internal/sdkreflect"
)

// ContentType is the media type of RPC v2 CBOR bodies.
const ContentType = "application/cbor"

// MaxBodyBytes is the largest request body accepted (1 MiB).
const MaxBodyBytes = 1 << 20

// IsRequest reports whether r is an RPC v2 CBOR call.
func IsRequest(r *http.Request) bool {
	return strings.EqualFold(r.Header.Get("Smithy-Protocol"), "rpc-v2-cbor") && strings.HasPrefix(r.URL.Path, "/service/")
}

// Handler serves one service's operations.
type Handler struct {
	service     string // the Smithy service name in the path
	namespace   string // the Smithy namespace of error shapes
	ops         map[string]sdkreflect.Operation
	withContext func(context.Context, string) context.Context
	region      func(*http.Request) string
}

// NewHandler serves impl's methods shaped like the SDK client's
// (<Op>(ctx, *<Op>Input, ...func(*Options)) (*<Op>Output, error)) at
// /service/<service>/operation/<Op>. Errors carry "__type"
// "<namespace>#<shape>" and "message", plus the X-Amzn-Query-Error header
// "<code>;Sender|Receiver" of awsQuery-compatible services. withContext,
// when not nil, derives the call's context from the request's SigV4 region
// (region(r) gives it).
func NewHandler(impl any, service, namespace string, withContext func(context.Context, string) context.Context, region func(*http.Request) string) *Handler {
	return &Handler{service: service, namespace: namespace, ops: sdkreflect.Operations(impl), withContext: withContext, region: region}
}

// Operations lists the served operations, sorted.
func (h *Handler) Operations() []string {
	out := make([]string, 0, len(h.ops))
	for n := range h.ops {
		out = append(out, n)
	}
	slices.Sort(out)
	return out
}

// ServeHTTP answers one call.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	prefix := "/service/" + h.service + "/operation/"
	if r.Method != http.MethodPost || !strings.HasPrefix(r.URL.Path, prefix) {
		h.writeError(w, http.StatusNotFound, "UnknownOperationException", "Unknown operation "+r.URL.Path, true)
		return
	}
	op, ok := h.ops[strings.TrimPrefix(r.URL.Path, prefix)]
	if !ok {
		h.writeError(w, http.StatusBadRequest, "UnknownOperationException", "Unknown operation "+strings.TrimPrefix(r.URL.Path, prefix), true)
		return
	}
	var src io.Reader = r.Body
	if strings.EqualFold(r.Header.Get("Content-Encoding"), "gzip") {
		// Request compression (the SDKs gzip PutMetricData bodies); the
		// limit applies to the decompressed body.
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			h.writeError(w, http.StatusBadRequest, "SerializationException", "Content-Encoding gzip: "+err.Error(), true)
			return
		}
		defer zr.Close()
		src = zr
	}
	body, err := io.ReadAll(io.LimitReader(src, MaxBodyBytes+1))
	if err != nil {
		h.writeError(w, http.StatusBadRequest, "SerializationException", err.Error(), true)
		return
	}
	if len(body) > MaxBodyBytes {
		h.writeError(w, http.StatusRequestEntityTooLarge, "RequestEntityTooLargeException", "Request body too large", true)
		return
	}
	in := reflect.New(op.In)
	if len(body) > 0 {
		val, err := cbor.Decode(body)
		if err == nil {
			err = Unmarshal(val, in.Interface())
		}
		if err != nil {
			h.writeError(w, http.StatusBadRequest, "SerializationException", err.Error(), true)
			return
		}
	}
	ctx := r.Context()
	if h.withContext != nil && h.region != nil {
		ctx = h.withContext(ctx, h.region(r))
	}
	out, err := call(ctx, op, in)
	if err != nil {
		var api smithy.APIError
		if errors.As(err, &api) {
			status := http.StatusBadRequest
			if api.ErrorFault() == smithy.FaultServer {
				status = http.StatusInternalServerError
			}
			shape := api.ErrorCode()
			if t := reflect.TypeOf(api); t.Kind() == reflect.Pointer && t.Elem().PkgPath() != "github.com/aws/smithy-go" {
				shape = t.Elem().Name()
			}
			h.writeAPIError(w, status, shape, api.ErrorCode(), api.ErrorMessage(), status < 500)
			return
		}
		h.writeError(w, http.StatusInternalServerError, "InternalFailure", err.Error(), false)
		return
	}
	val, err := Marshal(out)
	if err != nil {
		h.writeError(w, http.StatusInternalServerError, "InternalFailure", err.Error(), false)
		return
	}
	if m, ok := val.(cbor.Map); ok {
		val = m
	}
	w.Header().Set("Content-Type", ContentType)
	w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(cbor.Encode(val))
}

func call(ctx context.Context, op sdkreflect.Operation, in reflect.Value) (out any, err error) {
	defer func() {
		if p := recover(); p != nil {
			out, err = nil, fmt.Errorf("panic: %v", p)
		}
	}()
	res := op.Method.Call([]reflect.Value{reflect.ValueOf(ctx), in})
	if e, _ := res[1].Interface().(error); e != nil {
		return nil, e
	}
	return res[0].Interface(), nil
}

func (h *Handler) writeError(w http.ResponseWriter, status int, code, msg string, client bool) {
	h.writeAPIError(w, status, code, code, msg, client)
}

// writeAPIError writes {"__type": "<ns>#<shape>", "message": msg} and the
// awsQuery-compatible error header with the query code.
func (h *Handler) writeAPIError(w http.ResponseWriter, status int, shape, code, msg string, client bool) {
	fault := "Sender"
	if !client {
		fault = "Receiver"
	}
	w.Header().Set("Content-Type", ContentType)
	w.Header().Set("Smithy-Protocol", "rpc-v2-cbor")
	w.Header().Set("X-Amzn-Query-Error", code+";"+fault)
	w.WriteHeader(status)
	_, _ = w.Write(cbor.Encode(cbor.Map{"__type": cbor.String(h.namespace + "#" + shape), "message": cbor.String(msg)}))
}
