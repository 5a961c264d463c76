package awsjson

import (
	"errors"
	"math"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	smithytime "github.com/aws/smithy-go/time"
	"github.com/google/go-cmp/cmp"
)

func mustMarshal(t *testing.T, v any) string {
	t.Helper()
	b, err := Marshal(v)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	return string(b)
}

func TestMarshalRules(t *testing.T) {
	when := time.UnixMilli(1466801808595).UTC()
	tests := []struct {
		name string
		v    any
		want string
	}{
		{"MemberNameIsGoNameLowerFirst", &types.KeyValuePair{Name: aws.String("MODE"), Value: aws.String("prod")},
			`{"name":"MODE","value":"prod"}`},
		{"NilPointersSlicesMapsOmitted", &types.ContainerDefinition{Name: aws.String("web")},
			`{"cpu":0,"name":"web"}`},
		{"EmptySetSliceEmittedAsArray", &types.Service{Deployments: []types.Deployment{}},
			`{"deployments":[],"desiredCount":0,"enableECSManagedTags":false,"enableExecuteCommand":false,"pendingCount":0,"runningCount":0}`},
		{"NonPointerNumbersAndBoolsAlwaysEmitted", &types.Deployment{},
			`{"desiredCount":0,"failedTasks":0,"pendingCount":0,"runningCount":0}`},
		{"EmptyEnumOmittedSetEnumIsString", &types.Deployment{RolloutState: types.DeploymentRolloutStateInProgress, LaunchType: ""},
			`{"desiredCount":0,"failedTasks":0,"pendingCount":0,"rolloutState":"IN_PROGRESS","runningCount":0}`},
		{"TimestampIsEpochSecondsWithFraction", &types.Deployment{CreatedAt: &when},
			`{"createdAt":1466801808.595,"desiredCount":0,"failedTasks":0,"pendingCount":0,"runningCount":0}`},
		{"MapsKeepKeysSorted", &types.LogConfiguration{Options: map[string]string{"b": "2", "a": "1"}},
			`{"options":{"a":"1","b":"2"}}`},
		{"StringsEscaped", &types.KeyValuePair{Name: aws.String("q\"\\\n\x01\u2028")},
			`{"name":"q\"\\\n\u0001\u2028"}`},
		{"InvalidUTF8ReplacedOnOutput", &types.KeyValuePair{Name: aws.String("a\xffb")},
			`{"name":"a\ufffdb"}`},
		{"ResultMetadataSkipped", &ecs.ListClustersOutput{ClusterArns: []string{"arn"}},
			`{"clusterArns":["arn"]}`},
		{"NonPointerBoolEmittedNilPointerOmitted", &types.ServiceConnectConfiguration{Enabled: true, AccessLogConfiguration: nil},
			`{"enabled":true}`},
		{"NilInputIsEmptyObject", (*ecs.ListClustersInput)(nil), `{}`},
		{"NonFiniteFloatIsString", &types.CanaryConfiguration{CanaryPercent: aws.Float64(math.Inf(1))},
			`{"canaryPercent":"Infinity"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := mustMarshal(t, tt.v); got != tt.want {
				t.Errorf("Marshal = %s\nwant      %s", got, tt.want)
			}
		})
	}
}

// TestUnionMemberNames is the exception table: union members are named after their Go type.
func TestAppendMarshalAppends(t *testing.T) {
	got, err := AppendMarshal([]byte("x"), &types.KeyValuePair{Name: aws.String("a")})
	if err != nil || string(got) != `x{"name":"a"}` {
		t.Errorf("AppendMarshal = %s, %v", got, err)
	}
	var bad struct{ C chan int }
	bad.C = make(chan int)
	got, err = AppendMarshal([]byte("x"), &bad)
	if err == nil || string(got) != "x" || !strings.Contains(err.Error(), "c: cannot encode Go kind chan") {
		t.Errorf("AppendMarshal(chan) = %q, %v; want dst unchanged and error naming c", got, err)
	}
}

type node struct{ Next *node }

func TestMarshalCycleIsErrorNotStackOverflow(t *testing.T) {
	n := &node{}
	n.Next = n
	_, err := Marshal(n)
	if err == nil || !strings.Contains(err.Error(), "nesting deeper than 64") || !strings.HasPrefix(err.Error(), "awsjson: next.next.") {
		t.Errorf("Marshal(cycle) err = %v", err)
	}
}

// TestTimestampMatchesSmithyFormatEpochSeconds checks the integer formatting of timestamps
// against the float formatting of smithy-go.
func TestTimestampMatchesSmithyFormatEpochSeconds(t *testing.T) {
	for _, ms := range []int64{0, 1, 10, 100, 999, 1000, 1466801808595, 1466801808590, 1466801808500, 1466801808000, 9223372036854, -1, -1500} {
		tm := time.UnixMilli(ms)
		want := strconv.FormatFloat(smithytime.FormatEpochSeconds(tm), 'f', -1, 64)
		var e encoder
		e.epochSeconds(tm)
		if string(e.buf) != want {
			t.Errorf("epochSeconds(%d ms) = %s, want %s", ms, e.buf, want)
		}
	}
}

func TestUnionMemberNames(t *testing.T) {
	want := map[string]string{
		"DescribeGatewayConfigurationMemberHostSharedAlb":    "hostSharedAlb",
		"GatewayConfigurationMemberHostSharedAlb":            "hostSharedAlb",
		"GatewayConnectionResourcesMemberHostSharedAlb":      "hostSharedAlb",
		"GatewayElbAccessLogDestinationMemberS3":             "s3",
		"GatewayInfrastructureResourcesMemberHostSharedAlb":  "hostSharedAlb",
		"GatewayRouteResourcesMemberHostSharedAlb":           "hostSharedAlb",
		"ServiceConnectContainerConfigurationMemberLogLevel": "logLevel",
		"SharingStrategyMemberNvidiaMps":                     "nvidiaMps",
		"UpdateGatewayConfigurationMemberHostSharedAlb":      "hostSharedAlb",
	}
	got := map[string]string{}
	for iface, members := range unionMembers {
		for _, m := range members {
			if !reflect.PointerTo(m).Implements(iface) {
				t.Errorf("%s does not implement %s", m, iface)
			}
			got[m.Name()] = unionMemberName(iface, m)
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("union member names (-want +got):\n%s", diff)
	}
}

func TestUnionRoundTrip(t *testing.T) {
	var v struct{ X types.SharingStrategy }
	if err := Unmarshal([]byte(`{"x":{"nvidiaMps":{"memory":3}}}`), &v, UnmarshalOptions{DisallowUnknownFields: true}); err != nil {
		t.Fatal(err)
	}
	m, ok := v.X.(*types.SharingStrategyMemberNvidiaMps)
	if !ok || m.Value.Memory == nil || *m.Value.Memory != 3 {
		t.Fatalf("X = %#v, want *types.SharingStrategyMemberNvidiaMps with memory 3", v.X)
	}
	if got := mustMarshal(t, &v); !strings.Contains(got, `"nvidiaMps":{`) {
		t.Errorf("Marshal = %s, want nvidiaMps member", got)
	}
	if err := Unmarshal([]byte(`{"x":{"future":{"a":1}}}`), &v, UnmarshalOptions{}); err != nil {
		t.Fatal(err)
	}
	if u, ok := v.X.(*types.UnknownUnionMember); !ok || u.Tag != "future" || string(u.Value) != `{"a":1}` {
		t.Errorf("unknown member: X = %#v, want UnknownUnionMember future", v.X)
	}
	if got := mustMarshal(t, &v); got != `{"x":{"future":{"a":1}}}` {
		t.Errorf("Marshal(unknown member) = %s", got)
	}
	var ue *UnknownFieldError
	if err := Unmarshal([]byte(`{"x":{"future":{}}}`), &v, UnmarshalOptions{DisallowUnknownFields: true}); !errors.As(err, &ue) || ue.Path != "x.future" {
		t.Errorf("strict unknown member: err = %v", err)
	}
	err := Unmarshal([]byte(`{"x":{"nvidiaMps":{},"other":{}}}`), &v, UnmarshalOptions{})
	var de *DecodeError
	if !errors.As(err, &de) || de.Path != "x" {
		t.Errorf("two union members: err = %v, want DecodeError at x", err)
	}
}

func TestUnmarshalUnknownFieldPath(t *testing.T) {
	body := `{"family":"web","containerDefinitions":[{"name":"a"},{"name":"b","imagee":"x"}]}`
	var in ecs.RegisterTaskDefinitionInput
	err := Unmarshal([]byte(body), &in, UnmarshalOptions{DisallowUnknownFields: true})
	var ue *UnknownFieldError
	if !errors.As(err, &ue) || ue.Path != "containerDefinitions[1].imagee" {
		t.Fatalf("err = %v, want UnknownFieldError at containerDefinitions[1].imagee", err)
	}
	if err := Unmarshal([]byte(body), &in, UnmarshalOptions{}); err != nil {
		t.Fatalf("lenient: %v", err)
	}
	if got := *in.ContainerDefinitions[1].Name; got != "b" {
		t.Errorf("containerDefinitions[1].name = %q, want b", got)
	}
}

func TestUnmarshalStrictTypes(t *testing.T) {
	tests := []struct {
		name, body, path, msg string
	}{
		{"StringWhereNumber", `{"containerDefinitions":[{"cpu":"256"}]}`, "containerDefinitions[0].cpu", "expected integer, got string"},
		{"NumberWhereString", `{"family":5}`, "family", "expected string, got number"},
		{"StringWhereBoolean", `{"containerDefinitions":[{"essential":"true"}]}`, "containerDefinitions[0].essential", "expected boolean, got string"},
		{"FractionInInteger", `{"containerDefinitions":[{"memory":1.5}]}`, "containerDefinitions[0].memory", "not an integer"},
		{"Int32Overflow", `{"containerDefinitions":[{"memory":2147483648}]}`, "containerDefinitions[0].memory", "not an integer in 32-bit range"},
		{"ObjectWhereArray", `{"containerDefinitions":{}}`, "containerDefinitions", "expected array, got object"},
		{"ArrayWhereObject", `{"ephemeralStorage":[]}`, "ephemeralStorage", "expected object, got array"},
		{"MapValueType", `{"containerDefinitions":[{"dockerLabels":{"a":1}}]}`, `containerDefinitions[0].dockerLabels["a"]`, "expected string, got number"},
		{"TopLevelNotObject", `[]`, "", "expected object, got array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var in ecs.RegisterTaskDefinitionInput
			err := Unmarshal([]byte(tt.body), &in, UnmarshalOptions{})
			var de *DecodeError
			if !errors.As(err, &de) {
				t.Fatalf("err = %v, want *DecodeError", err)
			}
			if de.Path != tt.path || !strings.Contains(de.Msg, tt.msg) {
				t.Errorf("err = %q (path %q), want path %q and %q", err, de.Path, tt.path, tt.msg)
			}
		})
	}
}

func TestUnmarshalRejectsMalformedInput(t *testing.T) {
	tests := []struct{ name, body, msg string }{
		{"InvalidUTF8", "{\"family\":\"a\xffb\"}", "invalid UTF-8"},
		{"DeepNesting", strings.Repeat("[", 100) + strings.Repeat("]", 100), "nesting deeper than 64"},
		{"Truncated", `{"family":`, "malformed JSON"},
		{"TrailingData", `{} {}`, "data after the top-level value"},
		{"Empty", ``, "malformed JSON"},
		{"BadTimestamp", `{"x":"2020-01-01"}`, "expected timestamp"},
		{"TimestampOutOfRange", `{"x":1e300}`, "not a timestamp within ±9223372036 epoch seconds"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var in struct{ X *time.Time }
			err := Unmarshal([]byte(tt.body), &in, UnmarshalOptions{})
			var de *DecodeError
			if !errors.As(err, &de) || !strings.Contains(err.Error(), tt.msg) {
				t.Errorf("err = %v, want DecodeError containing %q", err, tt.msg)
			}
		})
	}
}

func TestUnmarshalValues(t *testing.T) {
	body := `{"x":1466801808.595,"n":null,"f":"NaN","i":9007199254740993,"l":[],"s":"\u00e9\ud83d\ude00"}`
	var v struct {
		X *time.Time
		N *string
		F float64
		I int64
		L []string
		S string
	}
	if err := Unmarshal([]byte(body), &v, UnmarshalOptions{DisallowUnknownFields: true}); err != nil {
		t.Fatal(err)
	}
	if want := time.UnixMilli(1466801808595).UTC(); !v.X.Equal(want) || v.X.Location() != time.UTC {
		t.Errorf("x = %v, want %v UTC", v.X, want)
	}
	if v.N != nil || !math.IsNaN(v.F) || v.I != 9007199254740993 || v.L == nil || len(v.L) != 0 || v.S != "é😀" {
		t.Errorf("decoded %+v", v)
	}
}

func TestUnmarshalNeedsPointer(t *testing.T) {
	var in ecs.ListClustersInput
	if err := Unmarshal([]byte(`{}`), in, UnmarshalOptions{}); err == nil {
		t.Error("Unmarshal into a non-pointer succeeded")
	}
}
