package awsquery

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"reflect"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// sdkOpts compare SDK structs: unexported marker fields are empty, result metadata is ignored.
var sdkOpts = cmp.Options{
	cmp.Exporter(func(reflect.Type) bool { return true }),
	cmpopts.IgnoreTypes(middleware.Metadata{}),
}

// transport answers every request with a fixed response and keeps the last request body.
type transport struct {
	reqBody  []byte
	status   int
	respBody []byte
}

func (tr *transport) Do(r *http.Request) (*http.Response, error) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	tr.reqBody = b
	status := tr.status
	if status == 0 {
		status = 200
	}
	return &http.Response{
		StatusCode: status, Status: strconv.Itoa(status), Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": []string{"text/xml"}},
		Body:          io.NopCloser(bytes.NewReader(tr.respBody)),
		ContentLength: int64(len(tr.respBody)), Request: r,
	}, nil
}

func newTestClient(hc elasticloadbalancingv2.HTTPClient, endpoint string) *elasticloadbalancingv2.Client {
	return elasticloadbalancingv2.New(elasticloadbalancingv2.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(endpoint), HTTPClient: hc,
		RetryMaxAttempts: 1,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret"}, nil
		}),
	})
}

// filler sets every exported field of a value to a distinct non-zero value, up to a depth.
type filler struct {
	n        int
	maxDepth int
}

func (f *filler) next() int { f.n++; return f.n }

func (f *filler) fill(v reflect.Value, depth int) {
	if depth > f.maxDepth {
		return
	}
	t := v.Type()
	switch t.Kind() {
	case reflect.Pointer:
		nv := reflect.New(t.Elem())
		f.fill(nv.Elem(), depth+1)
		v.Set(nv)
	case reflect.String:
		v.SetString("s" + strconv.Itoa(f.next()) + "é&<>\"' \t\n x")
	case reflect.Bool:
		v.SetBool(f.next()%2 == 0)
	case reflect.Int32, reflect.Int64:
		v.SetInt(int64(f.next()))
	case reflect.Float64:
		v.SetFloat(float64(f.next()) + 0.5)
	case reflect.Slice:
		s := reflect.MakeSlice(t, 2, 2)
		for i := range 2 {
			f.fill(s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(t)
		for range 2 {
			ev := reflect.New(t.Elem()).Elem()
			f.fill(ev, depth+1)
			m.SetMapIndex(reflect.ValueOf("k"+strconv.Itoa(f.next())), ev)
		}
		v.Set(m)
	case reflect.Struct:
		if t == timeType {
			v.Set(reflect.ValueOf(time.UnixMilli(1466801808595 + int64(f.next())).UTC()))
			return
		}
		for _, fi := range structInfoOf(t).fields {
			f.fill(v.Field(fi.index), depth+1)
		}
	}
}
