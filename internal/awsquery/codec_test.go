package awsquery

import (
	"errors"
	"math"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/google/go-cmp/cmp"
)

// An empty list is sent by the SDK as "Name=" and must decode as an empty, non-nil slice; an
// empty list in output is <Name></Name> and reads back empty.
func TestEmptyListsRoundTrip(t *testing.T) {
	tr := &transport{}
	c := newTestClient(tr, "http://elb.test")
	out := &elbv2.DescribeTargetHealthOutput{TargetHealthDescriptions: []types.TargetHealthDescription{}}
	tr.respBody, _ = AppendResponse(nil, "DescribeTargetHealth", ELBv2.Namespace, "r", out)
	got, err := c.DescribeTargetHealth(t.Context(), &elbv2.DescribeTargetHealthInput{
		TargetGroupArn: aws.String("arn"), Targets: []types.TargetDescription{}})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(tr.reqBody), "Targets=") {
		t.Errorf("request %s: want Targets=", tr.reqBody)
	}
	form, _ := url.ParseQuery(string(tr.reqBody))
	var in elbv2.DescribeTargetHealthInput
	if err := Unmarshal(form, &in, UnmarshalOptions{}); err != nil {
		t.Fatal(err)
	}
	if in.Targets == nil || len(in.Targets) != 0 {
		t.Errorf("Targets = %#v, want empty non-nil", in.Targets)
	}
	if len(got.TargetHealthDescriptions) != 0 {
		t.Errorf("got %d descriptions", len(got.TargetHealthDescriptions))
	}
	if !strings.Contains(string(tr.respBody), "<TargetHealthDescriptions></TargetHealthDescriptions>") {
		t.Errorf("response %s", tr.respBody)
	}
}

// The response envelope: <XResponse xmlns><XResult>…</XResult><ResponseMetadata><RequestId>.
func TestResponseEnvelope(t *testing.T) {
	b, err := AppendResponse(nil, "DescribeTags", ELBv2.Namespace, "rid-7", &elbv2.DescribeTagsOutput{
		TagDescriptions: []types.TagDescription{{ResourceArn: aws.String("a&b"), Tags: []types.Tag{{Key: aws.String("k")}}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	want := `<?xml version="1.0" encoding="UTF-8"?>
<DescribeTagsResponse xmlns="http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/"><DescribeTagsResult>` +
		`<TagDescriptions><member><ResourceArn>a&amp;b</ResourceArn><Tags><member><Key>k</Key></member></Tags></member></TagDescriptions>` +
		`</DescribeTagsResult><ResponseMetadata><RequestId>rid-7</RequestId></ResponseMetadata></DescribeTagsResponse>
`
	if diff := cmp.Diff(want, string(b)); diff != "" {
		t.Error(diff)
	}
}

func TestUnmarshalRejects(t *testing.T) {
	cases := []struct {
		name, query, path string
		unknown           bool
	}{
		{"int not a number", "TargetGroupArn=a&Targets.member.1.Id=i&Targets.member.1.Port=eighty", "Targets.member.1.Port", false},
		{"int out of range", "TargetGroupArn=a&Targets.member.1.Id=i&Targets.member.1.Port=2147483648", "Targets.member.1.Port", false},
		{"list gap", "TargetGroupArn=a&Targets.member.1.Id=i&Targets.member.3.Id=j", "Targets.member.3", false},
		{"list index zero", "TargetGroupArn=a&Targets.member.0.Id=i", "Targets.member.0", false},
		{"list index leading zero", "TargetGroupArn=a&Targets.member.01.Id=i", "Targets.member.01", false},
		{"list without member", "TargetGroupArn=a&Targets.1.Id=i", "Targets.1", false},
		{"list with a value", "TargetGroupArn=a&Targets=x", "Targets", false},
		{"scalar with children", "TargetGroupArn.x=a", "TargetGroupArn", false},
		{"unknown member", "TargetGroupArn=a&Targets.member.1.Idd=i", "Targets.member.1.Idd", true},
		{"repeated", "TargetGroupArn=a&TargetGroupArn=b", "TargetGroupArn", false},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			form, err := url.ParseQuery(tc.query)
			if err != nil {
				t.Fatal(err)
			}
			var in elbv2.DescribeTargetHealthInput
			err = Unmarshal(form, &in, UnmarshalOptions{DisallowUnknownFields: true})
			var de *DecodeError
			var ue *UnknownFieldError
			switch {
			case tc.unknown && errors.As(err, &ue):
				if ue.Path != tc.path {
					t.Errorf("path %q, want %q", ue.Path, tc.path)
				}
			case !tc.unknown && errors.As(err, &de):
				if de.Path != tc.path {
					t.Errorf("path %q, want %q (%v)", de.Path, tc.path, err)
				}
			default:
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestUnmarshalScalars(t *testing.T) {
	form := url.Values{"TargetGroupArn": {"t"}, "HealthCheckEnabled": {"true"}, "HealthCheckIntervalSeconds": {"30"},
		"Matcher.HttpCode": {"200-299"}}
	var in elbv2.ModifyTargetGroupInput
	if err := Unmarshal(form, &in, UnmarshalOptions{}); err != nil {
		t.Fatal(err)
	}
	if !aws.ToBool(in.HealthCheckEnabled) || aws.ToInt32(in.HealthCheckIntervalSeconds) != 30 || aws.ToString(in.Matcher.HttpCode) != "200-299" {
		t.Errorf("%+v", in)
	}
	form.Set("HealthCheckEnabled", "True")
	if err := Unmarshal(form, &in, UnmarshalOptions{}); err == nil || !strings.Contains(err.Error(), "HealthCheckEnabled") {
		t.Errorf("boolean True: err = %v", err)
	}
	var f struct{ F *float64 }
	if err := Unmarshal(url.Values{"F": {"NaN"}}, &f, UnmarshalOptions{}); err != nil || !math.IsNaN(*f.F) {
		t.Errorf("NaN: %v", err)
	}
}

func TestUnmarshalBoundsParameters(t *testing.T) {
	form := url.Values{}
	for i := range MaxParams + 1 {
		form.Add("Names.member."+itoa(i+1), "n")
	}
	var in elbv2.DescribeTargetGroupsInput
	if err := Unmarshal(form, &in, UnmarshalOptions{}); err == nil {
		t.Fatal("want an error for too many parameters")
	}
}

func itoa(i int) string { return strconv.Itoa(i) }
