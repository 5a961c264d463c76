package fake

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"sync"

	"github.com/ecsdeploy/ecsdeploy/internal/awsjson"
)

// UnknownOperationCode is the error code the server answers requests for
// services and operations it does not serve with, in the requesting
// protocol's own error shape, so that SDKs report it as such (botocore:
// ClientError "UnknownOperationException"; the Go SDK: a smithy.APIError
// with that code) instead of an unparseable "UnknownError".
const UnknownOperationCode = "UnknownOperationException"

// maxUnservedKinds bounds how many distinct service/operation pairs the
// server remembers (and logs); later ones are still answered.
const maxUnservedKinds = 256

// WithUnservedLog makes the server call logf once per kind of request it
// does not serve (service and operation, for example "sts
// GetCallerIdentity"), so that a user pointing every AWS service at the
// fake (AWS_ENDPOINT_URL) sees what their tool asked for. cmd/ecsfake logs
// them on stderr.
func WithUnservedLog(logf func(format string, args ...any)) ServerOption {
	return func(s *Server) { s.unserved.logf = logf }
}

// Unserved lists, sorted, the service/operation pairs ("sts
// GetCallerIdentity") the server was asked for and does not serve.
func (s *Server) Unserved() []string {
	s.unserved.mu.Lock()
	defer s.unserved.mu.Unlock()
	out := make([]string, 0, len(s.unserved.seen))
	for k := range s.unserved.seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// unserved answers what the ECS handler would not: requests of another
// service (by SigV4 credential scope, X-Amz-Target prefix or Query Action)
// and unknown ECS operations. It sits in front of the ECS handler only, so
// any service the dispatch in ServeHTTP serves before it wins.
type unserved struct {
	mu       sync.Mutex
	seen     map[string]bool
	requests uint64
	logf     func(format string, args ...any)
}

// unservedFirst returns a handler that answers unserved requests itself
// and passes every other one to ecsAPI.
func (s *Server) unservedFirst(ecsAPI http.Handler) http.Handler {
	ops := map[string]bool{}
	for _, op := range s.Operations() {
		ops[op] = true
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		target := r.Header.Get("X-Amz-Target")
		prefix, op, _ := strings.Cut(target, ".")
		if target != "" && prefix == awsjson.DefaultPrefix && ops[op] {
			ecsAPI.ServeHTTP(w, r)
			return
		}
		service := signingService(r.Header.Get("Authorization"))
		switch {
		case target != "":
			if service == "" {
				service = prefix
			}
			s.unserved.note(service, op)
			writeUnservedJSON(w, r, fmt.Sprintf("the fake does not serve %s %s (X-Amz-Target %s)", bounded(service), bounded(op), bounded(target)))
		case isQuery(r):
			action := queryAction(w, r)
			s.unserved.note(service, action)
			writeUnservedQuery(w, service, s.unserved.requestID(), fmt.Sprintf("the fake does not serve %s %s", orUnknown(service), action))
		default:
			s.unserved.note(service, r.Method+" "+bounded(r.URL.Path))
			writeUnservedJSON(w, r, fmt.Sprintf("the fake does not serve %s %s %s", orUnknown(service), r.Method, bounded(r.URL.Path)))
		}
	})
}

// note records (and logs, the first time) one unserved kind.
func (u *unserved) note(service, op string) {
	key := bounded(orUnknown(service)) + " " + bounded(op)
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.seen[key] || len(u.seen) >= maxUnservedKinds {
		return
	}
	if u.seen == nil {
		u.seen = map[string]bool{}
	}
	u.seen[key] = true
	if u.logf != nil {
		u.logf("not served: %s (answered %s)", key, UnknownOperationCode)
	}
}

// otherQueryService reports whether a Query request is signed for a
// service other than Elastic Load Balancing (STS, IAM, ...): those go to
// the unserved answer instead of the ELBv2 handler.
func otherQueryService(r *http.Request) bool {
	svc := signingService(r.Header.Get("Authorization"))
	return svc != "" && svc != "elasticloadbalancing"
}

// signingService returns the service of a SigV4 Authorization header's
// credential scope (Credential=AKID/DATE/REGION/SERVICE/aws4_request).
func signingService(auth string) string {
	_, cred, ok := strings.Cut(auth, "Credential=")
	if !ok {
		return ""
	}
	cred, _, _ = strings.Cut(cred, ",")
	parts := strings.Split(cred, "/")
	if len(parts) < 5 {
		return ""
	}
	return bounded(parts[3])
}

// isQuery reports whether r uses the AWS Query protocol (a form-encoded
// POST, or a GET with Action).
func isQuery(r *http.Request) bool {
	ct, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	return (r.Method == http.MethodPost && strings.EqualFold(strings.TrimSpace(ct), "application/x-www-form-urlencoded")) ||
		r.URL.Query().Get("Action") != ""
}

// queryAction returns the Action of a Query request (body read up to
// MaxRequestBytes).
func queryAction(w http.ResponseWriter, r *http.Request) string {
	q := r.URL.Query()
	if r.Method == http.MethodPost && r.Body != nil {
		body, _ := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxRequestBytes))
		if form, err := url.ParseQuery(string(body)); err == nil {
			for k, v := range form {
				q[k] = v
			}
		}
	}
	if action := bounded(q.Get("Action")); action != "" {
		return action
	}
	return "(no Action)"
}

// writeUnservedJSON answers in the AWS JSON (and REST-JSON) error shape:
// HTTP 400, {"__type", "message"}, and the X-Amzn-ErrorType header.
func writeUnservedJSON(w http.ResponseWriter, r *http.Request, msg string) {
	ct := r.Header.Get("Content-Type")
	if !strings.HasPrefix(ct, "application/x-amz-json-") {
		ct = "application/json"
	}
	body, _ := json.Marshal(map[string]string{"__type": UnknownOperationCode, "message": msg})
	w.Header().Set("Content-Type", ct)
	w.Header().Set("X-Amzn-ErrorType", UnknownOperationCode)
	w.WriteHeader(http.StatusBadRequest)
	_, _ = w.Write(body)
}

// queryError is the Query protocol's error document (IAM, STS, SNS, SQS
// Query, ELBv2, ...): <ErrorResponse><Error><Type/><Code/><Message/></Error><RequestId/></ErrorResponse>.
type queryError struct {
	XMLName   xml.Name `xml:"ErrorResponse"`
	Type      string   `xml:"Error>Type"`
	Code      string   `xml:"Error>Code"`
	Message   string   `xml:"Error>Message"`
	RequestID string   `xml:"RequestId"`
}

// ec2Error is EC2's variant: <Response><Errors><Error><Code/><Message/></Error></Errors><RequestID/></Response>.
type ec2Error struct {
	XMLName   xml.Name `xml:"Response"`
	Code      string   `xml:"Errors>Error>Code"`
	Message   string   `xml:"Errors>Error>Message"`
	RequestID string   `xml:"RequestID"`
}

// writeUnservedQuery answers in the Query protocol's XML error shape
// (EC2's own for service ec2), HTTP 400.
func writeUnservedQuery(w http.ResponseWriter, service, id, msg string) {
	var doc any = queryError{Type: "Sender", Code: UnknownOperationCode, Message: msg, RequestID: id}
	if service == "ec2" {
		doc = ec2Error{Code: UnknownOperationCode, Message: msg, RequestID: id}
	}
	var b bytes.Buffer
	b.WriteString(xml.Header)
	_ = xml.NewEncoder(&b).Encode(doc)
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("X-Amzn-RequestId", id)
	w.WriteHeader(http.StatusBadRequest)
	_, _ = w.Write(b.Bytes())
}

// requestID makes a UUID-shaped request id, unique per server.
func (u *unserved) requestID() string {
	u.mu.Lock()
	u.requests++
	n := u.requests
	u.mu.Unlock()
	return fmt.Sprintf("%08x-0000-4000-9000-%012x", uint32(n>>48), n&0xffffffffffff)
}

// bounded keeps at most 64 bytes of client-sent text (no unbounded echo).
func bounded(s string) string {
	if len(s) > 64 {
		return s[:64] + "..."
	}
	return s
}

func orUnknown(s string) string {
	if s == "" {
		return "(unknown service)"
	}
	return s
}
