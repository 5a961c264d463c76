package awsquery

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/smithy-go"
)

// tgService answers DescribeTargetGroups and fails DeleteTargetGroup with an ELB exception.
type tgService struct{ region string }

func (s *tgService) DescribeTargetGroups(ctx context.Context, in *elbv2.DescribeTargetGroupsInput, _ ...func(*elbv2.Options)) (*elbv2.DescribeTargetGroupsOutput, error) {
	out := &elbv2.DescribeTargetGroupsOutput{TargetGroups: []types.TargetGroup{}}
	for _, n := range in.Names {
		out.TargetGroups = append(out.TargetGroups, types.TargetGroup{TargetGroupName: aws.String(n), Port: aws.Int32(80)})
	}
	if r, _ := ctx.Value(regionKey{}).(string); r != "" {
		s.region = r
	}
	return out, nil
}

func (s *tgService) DeleteTargetGroup(context.Context, *elbv2.DeleteTargetGroupInput, ...func(*elbv2.Options)) (*elbv2.DeleteTargetGroupOutput, error) {
	return nil, &types.TargetGroupNotFoundException{Message: aws.String("One or more target groups not found")}
}

func (s *tgService) DeleteListener(context.Context, *elbv2.DeleteListenerInput, ...func(*elbv2.Options)) (*elbv2.DeleteListenerOutput, error) {
	panic("boom")
}

type regionKey struct{}

func startHandler(t *testing.T, svc any) (*elbv2.Client, string) {
	t.Helper()
	h := NewHandler(svc, ELBv2, WithContext(func(ctx context.Context, region string) context.Context {
		return context.WithValue(ctx, regionKey{}, region)
	}))
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return newTestClient(srv.Client(), srv.URL), srv.URL
}

func TestHandlerServesSDKClient(t *testing.T) {
	svc := &tgService{}
	c, _ := startHandler(t, svc)
	out, err := c.DescribeTargetGroups(t.Context(), &elbv2.DescribeTargetGroupsInput{Names: []string{"a", "b"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.TargetGroups) != 2 || aws.ToString(out.TargetGroups[1].TargetGroupName) != "b" || aws.ToInt32(out.TargetGroups[0].Port) != 80 {
		t.Errorf("%+v", out.TargetGroups)
	}
	if svc.region != "us-east-1" {
		t.Errorf("region from the SigV4 scope = %q", svc.region)
	}
}

// An ELB exception reaches the SDK as its own type, with its code and message.
func TestHandlerErrorIsTypedForSDK(t *testing.T) {
	c, _ := startHandler(t, &tgService{})
	_, err := c.DeleteTargetGroup(t.Context(), &elbv2.DeleteTargetGroupInput{TargetGroupArn: aws.String("x")})
	var nf *types.TargetGroupNotFoundException
	if !errors.As(err, &nf) || nf.ErrorMessage() != "One or more target groups not found" || nf.ErrorCode() != "TargetGroupNotFound" {
		t.Fatalf("err = %v", err)
	}
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) && re.HTTPStatusCode() != 400 {
		t.Errorf("status %d", re.HTTPStatusCode())
	}
}

func TestHandlerProtocolErrors(t *testing.T) {
	_, url := startHandler(t, &tgService{})
	cases := []struct {
		name, body, code string
		status           int
	}{
		{"no action", "Version=2015-12-01", "MissingAction", 400},
		{"unknown action", "Action=CreateLoadBalancer&Version=2015-12-01", "InvalidAction", 400},
		{"no version", "Action=DescribeTargetGroups", "MissingParameter", 400},
		{"other version", "Action=DescribeTargetGroups&Version=2012-06-01", "NoSuchVersion", 400},
		{"bad value", "Action=DescribeTargetGroups&Version=2015-12-01&PageSize=ten", "ValidationError", 400},
		{"malformed", "Action=%zz", "MalformedQueryString", 400},
		{"panic", "Action=DeleteListener&Version=2015-12-01", "InternalFailure", 500},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := http.Post(url, ContentType, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tc.status || !strings.Contains(string(b), "<Code>"+tc.code+"</Code>") ||
				!strings.Contains(string(b), "<ErrorResponse><Error><Type>") || !strings.Contains(string(b), "<RequestId>") {
				t.Errorf("%d %s", resp.StatusCode, b)
			}
		})
	}
}

func TestIsQueryRequest(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader("Action=X"))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	if !IsQueryRequest(r) {
		t.Error("form POST not recognised")
	}
	r.Header.Set("X-Amz-Target", "AmazonEC2ContainerServiceV20141113.ListClusters")
	if IsQueryRequest(r) {
		t.Error("a JSON target recognised as Query")
	}
}

var _ smithy.APIError = (*types.TargetGroupNotFoundException)(nil)
