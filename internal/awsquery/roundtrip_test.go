package awsquery

import (
	"net/url"
	"reflect"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/ecsdeploy/ecsdeploy/internal/sdkreflect"
)

// TestEveryOperationRoundTripsWithSDK covers the shapes of every operation of
// *elasticloadbalancingv2.Client, not only those the fake serves: each input is filled
// completely (lists of two, maps of two entries, strings with XML and URL metacharacters),
// serialized by the SDK's own Query serializer and decoded by Unmarshal (unknown members
// disallowed); each output is filled completely, written by AppendResponse and read by the SDK's
// own XML deserializer. Both must come back equal. This is the evidence for the member names
// (Go field names), list (member.N / <member>) and map (entry.N.key / <entry>) rules.
func TestEveryOperationRoundTripsWithSDK(t *testing.T) {
	tr := &transport{}
	client := newTestClient(tr, "http://elb.test")
	ops := sdkreflect.Operations(client)
	if len(ops) < 50 {
		t.Fatalf("found %d operations on *elasticloadbalancingv2.Client", len(ops))
	}
	for _, name := range Operations(client) {
		op := ops[name]
		t.Run(name, func(t *testing.T) {
			in := reflect.New(op.In)
			(&filler{maxDepth: 16}).fill(in.Elem(), 0)
			out := reflect.New(op.Method.Type().Out(0).Elem())
			(&filler{maxDepth: 16}).fill(out.Elem(), 0)
			resp, err := AppendResponse(nil, name, ELBv2.Namespace, "req-1", out.Interface())
			if err != nil {
				t.Fatalf("AppendResponse: %v", err)
			}
			tr.respBody = resp
			res := op.Method.Call([]reflect.Value{reflect.ValueOf(t.Context()), in})
			if err, _ := res[1].Interface().(error); err != nil {
				t.Fatalf("SDK call: %v", err)
			}
			form, err := url.ParseQuery(string(tr.reqBody))
			if err != nil {
				t.Fatal(err)
			}
			if form.Get("Action") != name || form.Get("Version") != ELBv2.Version {
				t.Errorf("Action=%q Version=%q", form.Get("Action"), form.Get("Version"))
			}
			decoded := reflect.New(op.In)
			if err := Unmarshal(form, decoded.Interface(), UnmarshalOptions{DisallowUnknownFields: true}); err != nil {
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
