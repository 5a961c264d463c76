// Package sdkbody keeps the AWS SDK for Go's request bodies from breaking
// the connections they are sent on.
//
// The SDK (smithy-go transport/http) closes a request's body as soon as
// the HTTP client returns the response, while net/http's write loop may
// still be checking the body for bytes beyond its Content-Length. The
// SDK's body implements io.WriterTo and answers io.EOF once closed; io.Copy
// passes a WriterTo's io.EOF through as an error, so net/http takes the
// request write as failed and closes the connection, at times before the
// response body has been read. The caller then sees "StatusCode: 200 ...
// deserialization failed ... use of closed network connection", an error
// the SDK and the Deployer retry although the server did the work: a
// RunTask or an UpdateService is sent twice. It shows on fast links, such
// as a fake on loopback under load, where the answer can come back before
// the write loop is done; each such call also costs a new connection.
//
// Handing net/http a body that only reads and closes avoids it: a read
// after the close answers io.EOF, which io.Copy takes as the end of the
// body.
package sdkbody

import (
	"io"
	"net/http"
)

// plain exposes only Read and Close of a request body.
type plain struct{ io.ReadCloser }

// wrap returns r with a plain body: a shallow copy when the body
// changes (r itself is left as it is).
func wrap(r *http.Request) *http.Request {
	if r.Body == nil || r.Body == http.NoBody {
		return r
	}
	if _, ok := r.Body.(plain); ok {
		return r
	}
	c := *r
	c.Body = plain{r.Body}
	return &c
}

// Doer is the HTTP client interface of the SDK's service clients
// (ecs.HTTPClient and the like).
type Doer interface {
	Do(*http.Request) (*http.Response, error)
}

// Client is a Doer whose request bodies reach Next as plain readers.
type Client struct{ Next Doer }

// Do sends r through Next with a plain body.
func (c Client) Do(r *http.Request) (*http.Response, error) {
	return c.Next.Do(wrap(r))
}

// Transport is an http.RoundTripper whose request bodies reach Next as
// plain readers.
type Transport struct{ Next http.RoundTripper }

// RoundTrip sends r through Next with a plain body.
func (t Transport) RoundTrip(r *http.Request) (*http.Response, error) {
	return t.Next.RoundTrip(wrap(r))
}

// CloseIdleConnections closes Next's idle connections when it can.
func (t Transport) CloseIdleConnections() {
	if c, ok := t.Next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
