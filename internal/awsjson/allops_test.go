package awsjson

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"reflect"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/google/go-cmp/cmp"

	"github.com/ecsdeploy/ecsdeploy/internal/sdkreflect"
)

// transport answers every request with a fixed body and keeps the last request body.
type transport struct {
	reqBody  []byte
	respBody []byte
}

func (tr *transport) Do(r *http.Request) (*http.Response, error) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	tr.reqBody = b
	return &http.Response{
		StatusCode: 200, Status: "200 OK", Proto: "HTTP/1.1", ProtoMajor: 1, ProtoMinor: 1,
		Header:        http.Header{"Content-Type": []string{ContentType}},
		Body:          io.NopCloser(bytes.NewReader(tr.respBody)),
		ContentLength: int64(len(tr.respBody)), Request: r,
	}, nil
}

// TestEveryOperationRoundTripsWithSDK covers the shapes of every operation of *ecs.Client, not
// only those the fake serves: each input is filled completely, serialized by the SDK and decoded
// by Unmarshal (unknown fields disallowed); each output is filled completely, encoded by Marshal
// and decoded by the SDK. Both must come back equal. This is the evidence that the wire name of
// every member is its Go name with a lower-case first letter.
func TestEveryOperationRoundTripsWithSDK(t *testing.T) {
	tr := &transport{}
	client := ecs.New(ecs.Options{
		Region: "us-east-1", BaseEndpoint: aws.String("http://ecs.test"), HTTPClient: tr,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKID", SecretAccessKey: "x"}, nil
		}),
	})
	ops := sdkreflect.Operations(client)
	if len(ops) < 60 {
		t.Fatalf("found %d operations on *ecs.Client", len(ops))
	}
	for _, name := range Operations(client) {
		op := ops[name]
		t.Run(name, func(t *testing.T) {
			in := reflect.New(op.In)
			(&filler{maxDepth: 16}).fill(in.Elem(), 0)
			outType := op.Method.Type().Out(0).Elem()
			out := reflect.New(outType)
			(&filler{maxDepth: 16}).fill(out.Elem(), 0)
			resp, err := Marshal(out.Interface())
			if err != nil {
				t.Fatalf("Marshal output: %v", err)
			}
			tr.respBody = resp
			res := op.Method.Call([]reflect.Value{reflect.ValueOf(t.Context()), in})
			if err, _ := res[1].Interface().(error); err != nil {
				t.Fatalf("SDK call: %v", err)
			}
			decoded := reflect.New(op.In)
			if err := Unmarshal(tr.reqBody, decoded.Interface(), UnmarshalOptions{DisallowUnknownFields: true}); err != nil {
				t.Fatalf("Unmarshal SDK request %s: %v", tr.reqBody, err)
			}
			if diff := cmp.Diff(in.Interface(), decoded.Interface(), sdkOpts); diff != "" {
				t.Errorf("input (-sent +decoded):\n%s", diff)
			}
			if diff := cmp.Diff(out.Interface(), res[0].Interface(), sdkOpts); diff != "" {
				t.Errorf("output (-served +received):\n%s", diff)
			}
		})
	}
}
