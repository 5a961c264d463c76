package awscbor

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/smithy-go/encoding/cbor"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// TestRoundTripSDKTypes: an SDK input survives Marshal, Encode, Decode and
// Unmarshal (strings, enums, ints, negative ints, floats, bools, lists,
// maps of structures, timestamps with sub-second precision).
func TestRoundTripSDKTypes(t *testing.T) {
	at := time.Date(2025, 1, 1, 0, 3, 0, 250_000_000, time.UTC)
	in := &cloudwatch.PutMetricDataInput{Namespace: aws.String("App"), MetricData: []cwtypes.MetricDatum{{
		MetricName: aws.String("Errors"), Value: aws.Float64(-2.5), Timestamp: aws.Time(at), Unit: cwtypes.StandardUnitCount,
		Dimensions: []cwtypes.Dimension{{Name: aws.String("Service"), Value: aws.String("web")}}, Values: []float64{1, 2}, Counts: []float64{3, 4},
		StorageResolution: aws.Int32(-7)}}, StrictEntityValidation: aws.Bool(true)}
	v, err := Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	back, err := cbor.Decode(cbor.Encode(v))
	if err != nil {
		t.Fatal(err)
	}
	var out cloudwatch.PutMetricDataInput
	if err := Unmarshal(back, &out); err != nil {
		t.Fatal(err)
	}
	if d := cmp.Diff(in, &out, cmpopts.IgnoreUnexported(cloudwatch.PutMetricDataInput{}, cwtypes.MetricDatum{}, cwtypes.Dimension{})); d != "" {
		t.Fatalf("round trip (-in +out):\n%s", d)
	}
}

// TestUnmarshalNamesTheMember: a wrongly typed member is an error naming
// its path.
func TestUnmarshalNamesTheMember(t *testing.T) {
	v := cbor.Map{"MetricData": cbor.List{cbor.Map{"MetricName": cbor.Uint(3)}}}
	var out cloudwatch.PutMetricDataInput
	err := Unmarshal(v, &out)
	var de *DecodeError
	if !errors.As(err, &de) || de.Path != "MetricData[0].MetricName" {
		t.Fatalf("got %v", err)
	}
}

type svc struct{}

func (svc) DeleteAlarms(_ context.Context, in *cloudwatch.DeleteAlarmsInput, _ ...func(*cloudwatch.Options)) (*cloudwatch.DeleteAlarmsOutput, error) {
	if len(in.AlarmNames) == 0 {
		return nil, &cwtypes.ResourceNotFound{Message: aws.String("none")}
	}
	return &cloudwatch.DeleteAlarmsOutput{}, nil
}

// TestHandlerErrorShape: errors carry __type "<namespace>#<shape>",
// message, and the awsQuery-compatible X-Amzn-Query-Error header; an
// unknown operation and a body that is not CBOR are refused.
func TestHandlerErrorShape(t *testing.T) {
	h := NewHandler(svc{}, "Svc", "com.example", nil, nil)
	post := func(path string, body []byte) *httptest.ResponseRecorder {
		r := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		r.Header.Set("Smithy-Protocol", "rpc-v2-cbor")
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		return w
	}
	w := post("/service/Svc/operation/DeleteAlarms", cbor.Encode(cbor.Map{}))
	if w.Code != 400 || w.Header().Get("X-Amzn-Query-Error") != "ResourceNotFound;Sender" {
		t.Fatalf("%d %v", w.Code, w.Header())
	}
	v, err := cbor.Decode(w.Body.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	if m := v.(cbor.Map); m["__type"] != cbor.String("com.example#ResourceNotFound") || m["message"] != cbor.String("none") {
		t.Fatalf("body %v", m)
	}
	if w := post("/service/Svc/operation/Nope", nil); w.Code != 400 || w.Header().Get("X-Amzn-Query-Error") != "UnknownOperationException;Sender" {
		t.Fatalf("unknown op %d", w.Code)
	}
	if w := post("/service/Svc/operation/DeleteAlarms", []byte{0xff, 0x00}); w.Code != 400 || w.Header().Get("X-Amzn-Query-Error") != "SerializationException;Sender" {
		t.Fatalf("bad body %d", w.Code)
	}
	if w := post("/service/Svc/operation/DeleteAlarms", cbor.Encode(cbor.Map{"AlarmNames": cbor.List{cbor.String("a")}})); w.Code != 200 || w.Header().Get("Smithy-Protocol") != "rpc-v2-cbor" {
		t.Fatalf("ok call %d", w.Code)
	}
}

// FuzzUnmarshal: any body decodes to an error or a value, never a panic.
func FuzzUnmarshal(f *testing.F) {
	v, _ := Marshal(&cloudwatch.PutMetricAlarmInput{AlarmName: aws.String("a"), Threshold: aws.Float64(1), Period: aws.Int32(60)})
	f.Add(cbor.Encode(v))
	f.Add([]byte{0xbf, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		val, err := cbor.Decode(b)
		if err != nil {
			return
		}
		var in cloudwatch.PutMetricAlarmInput
		_ = Unmarshal(val, &in)
	})
}

// TestHandlerAcceptsGzip: the Go SDK compresses PutMetricData bodies
// (Content-Encoding gzip).
func TestHandlerAcceptsGzip(t *testing.T) {
	h := NewHandler(svc{}, "Svc", "com.example", nil, nil)
	var zb bytes.Buffer
	zw := gzip.NewWriter(&zb)
	_, _ = zw.Write(cbor.Encode(cbor.Map{"AlarmNames": cbor.List{cbor.String("a")}}))
	_ = zw.Close()
	r := httptest.NewRequest(http.MethodPost, "/service/Svc/operation/DeleteAlarms", &zb)
	r.Header.Set("Smithy-Protocol", "rpc-v2-cbor")
	r.Header.Set("Content-Encoding", "gzip")
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != 200 {
		t.Fatalf("gzip body: %d %x", w.Code, w.Body.Bytes())
	}
}
