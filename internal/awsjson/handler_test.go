package awsjson

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"
)

// post sends a raw AWS JSON 1.1 request to h and decodes the response.
func post(t *testing.T, h http.Handler, target, body string) (int, http.Header, map[string]any) {
	t.Helper()
	req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
	req.Header.Set("X-Amz-Target", target)
	req.Header.Set("Content-Type", ContentType)
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("response %q is not JSON: %v", rec.Body.String(), err)
	}
	return rec.Code, rec.Header(), doc
}

func statusOf(err error) int {
	var re *awshttp.ResponseError
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	return 0
}

func TestHandlerTypedErrorsReachSDK(t *testing.T) {
	tests := []struct {
		name     string
		err      error
		target   any
		code     string
		status   int
		attempts int
	}{
		{"ClusterNotFoundIs400", &types.ClusterNotFoundException{Message: aws.String("Cluster not found.")},
			new(*types.ClusterNotFoundException), "ClusterNotFoundException", 400, 1},
		{"ServiceNotFoundIs400", &types.ServiceNotFoundException{Message: aws.String("Service not found.")},
			new(*types.ServiceNotFoundException), "ServiceNotFoundException", 400, 1},
		{"InvalidParameterIs400", &types.InvalidParameterException{Message: aws.String("bad")},
			new(*types.InvalidParameterException), "InvalidParameterException", 400, 1},
		{"WrappedAPIErrorUnwrapped", fmt.Errorf("wrapped: %w", &types.ClientException{Message: aws.String("nope")}),
			new(*types.ClientException), "ClientException", 400, 1},
		{"ExceptionMembersTravel", &types.ConflictException{Message: aws.String("busy"), ResourceIds: []string{"r1", "r2"}},
			new(*types.ConflictException), "ConflictException", 400, 1},
		{"ServerExceptionIs500AndRetried", &types.ServerException{Message: aws.String("boom")},
			new(*types.ServerException), "ServerException", 500, 3},
		{"ThrottlingRetriedBySDK", &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"},
			new(*smithy.GenericAPIError), "ThrottlingException", 400, 3},
		{"PlainGoErrorIsInternalFailure500", errors.New("disk on fire"),
			new(*smithy.GenericAPIError), "InternalFailure", 500, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRecorder()
			r.err = tt.err
			c, _ := newClient(t, r)
			_, err := c.DescribeClusters(t.Context(), &ecs.DescribeClustersInput{Clusters: []string{"x"}})
			if !errors.As(err, tt.target) {
				t.Fatalf("err = %v (%T), want errors.As %T", err, err, tt.target)
			}
			var api smithy.APIError
			if !errors.As(err, &api) || api.ErrorCode() != tt.code {
				t.Errorf("code = %v, want %s", err, tt.code)
			}
			if want := tt.err.Error(); api != nil && !strings.Contains(want, api.ErrorMessage()) {
				t.Errorf("message = %q, want it from %q", api.ErrorMessage(), want)
			}
			var conflict *types.ConflictException
			if errors.As(tt.err, &conflict) {
				got := (*tt.target.(**types.ConflictException)).ResourceIds
				if !slices.Equal(got, conflict.ResourceIds) {
					t.Errorf("resourceIds = %v, want %v", got, conflict.ResourceIds)
				}
			}
			if got := statusOf(err); got != tt.status {
				t.Errorf("HTTP status = %d, want %d", got, tt.status)
			}
			if got := r.calls["DescribeClusters"]; got != tt.attempts {
				t.Errorf("attempts = %d, want %d", got, tt.attempts)
			}
		})
	}
}

func TestHandlerProtocolErrors(t *testing.T) {
	h := NewHandler(newRecorder())
	tests := []struct {
		name, target, body string
		status             int
		code, msg          string
	}{
		{"UnknownOperationException", DefaultPrefix + ".ListAccountSettings", `{}`, 400, "UnknownOperationException", "ListAccountSettings"},
		{"WrongPrefixIsUnknownOperation", "AmazonS3.ListClusters", `{}`, 400, "UnknownOperationException", "AmazonS3.ListClusters"},
		{"MissingTargetIsUnknownOperation", "", `{}`, 400, "UnknownOperationException", "unknown operation"},
		{"MalformedJSONIsSerializationException", DefaultPrefix + ".ListClusters", `{"maxResults":`, 400, "SerializationException", "malformed JSON"},
		{"WrongTypeNamesPath", DefaultPrefix + ".RegisterTaskDefinition", `{"containerDefinitions":[{"cpu":"1"}]}`, 400, "SerializationException", "containerDefinitions[0].cpu: expected integer, got string"},
		{"InvalidUTF8IsSerializationException", DefaultPrefix + ".ListClusters", "{\"nextToken\":\"\xff\"}", 400, "SerializationException", "UTF-8"},
		{"BodyOver1MiBIsRequestEntityTooLarge", DefaultPrefix + ".ListClusters", `{"nextToken":"` + strings.Repeat("a", MaxBodyBytes) + `"}`, 413, "RequestEntityTooLargeException", "exceeds 1048576 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, hdr, doc := post(t, h, tt.target, tt.body)
			if status != tt.status || doc["__type"] != tt.code {
				t.Errorf("got %d %v, want %d %s", status, doc, tt.status, tt.code)
			}
			if msg, _ := doc["message"].(string); !strings.Contains(msg, tt.msg) {
				t.Errorf("message = %q, want it to contain %q", msg, tt.msg)
			}
			if ct := hdr.Get("Content-Type"); ct != ContentType {
				t.Errorf("Content-Type = %q", ct)
			}
			if hdr.Get("x-amzn-RequestId") == "" {
				t.Error("no x-amzn-RequestId")
			}
		})
	}
}

func TestHandlerGenericErrorBodyHasOnlyTypeAndMessage(t *testing.T) {
	r := newRecorder()
	r.err = &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}
	_, _, doc := post(t, NewHandler(r), DefaultPrefix+".ListClusters", `{}`)
	if want := map[string]any{"__type": "ThrottlingException", "message": "Rate exceeded"}; !maps.Equal(doc, want) {
		t.Errorf("body = %v, want %v", doc, want)
	}
}

func TestHandlerNotPOSTSlash(t *testing.T) {
	h := NewHandler(newRecorder())
	for _, tc := range []struct{ method, path string }{{"GET", "/"}, {"POST", "/other"}} {
		req := httptest.NewRequest(tc.method, tc.path, nil)
		req.Header.Set("X-Amz-Target", DefaultPrefix+".ListClusters")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 404 || !strings.Contains(rec.Body.String(), "UnknownOperationException") {
			t.Errorf("%s %s = %d %s", tc.method, tc.path, rec.Code, rec.Body)
		}
	}
}

func TestHandlerEmptyBodyIsEmptyInput(t *testing.T) {
	r := newRecorder()
	r.outs["ListClusters"] = &ecs.ListClustersOutput{ClusterArns: []string{}}
	status, _, doc := post(t, NewHandler(r), DefaultPrefix+".ListClusters", "")
	if status != 200 {
		t.Fatalf("status = %d %v", status, doc)
	}
	if arns, ok := doc["clusterArns"].([]any); !ok || len(arns) != 0 {
		t.Errorf("clusterArns = %#v, want []", doc["clusterArns"])
	}
	if r.ins["ListClusters"] == nil {
		t.Error("service not called")
	}
}

func TestHandlerPanicBecomesServerException(t *testing.T) {
	r := newRecorder()
	r.panic = "nil map"
	h := NewHandler(r)
	status, _, doc := post(t, h, DefaultPrefix+".ListClusters", `{}`)
	if status != 500 || doc["__type"] != "ServerException" || !strings.Contains(doc["message"].(string), "nil map") {
		t.Errorf("got %d %v, want 500 ServerException", status, doc)
	}
	r.panic = ""
	if status, _, doc := post(t, h, DefaultPrefix+".ListClusters", `{}`); status != 200 {
		t.Errorf("after panic: %d %v", status, doc)
	}
}

func TestHandlerRegionFromCredentialScope(t *testing.T) {
	r := newRecorder()
	var mu sync.Mutex
	var regions []string
	type key struct{}
	h := WithContext(func(ctx context.Context, region string) context.Context {
		mu.Lock()
		regions = append(regions, region)
		mu.Unlock()
		return context.WithValue(ctx, key{}, region)
	})
	c, _ := newClient(t, r, h)
	for _, region := range []string{"us-west-2", "eu-central-1"} {
		if _, err := c.ListClusters(t.Context(), &ecs.ListClustersInput{}, func(o *ecs.Options) { o.Region = region }); err != nil {
			t.Fatal(err)
		}
	}
	if want := []string{"us-west-2", "eu-central-1"}; !slices.Equal(regions, want) {
		t.Errorf("regions = %v, want %v", regions, want)
	}
}

func TestRegionFromAuthorization(t *testing.T) {
	tests := []struct{ header, want string }{
		{"AWS4-HMAC-SHA256 Credential=AKID/20240101/us-west-2/ecs/aws4_request, SignedHeaders=host, Signature=abc", "us-west-2"},
		{"AWS4-HMAC-SHA256 Credential=AKID/20240101/ap-south-1/ecs/aws4_request,SignedHeaders=host", "ap-south-1"},
		{"AWS4-HMAC-SHA256 Credential=AKID/20240101/us-west-2/ecs", ""},
		{"Bearer xyz", ""},
		{"", ""},
	}
	for _, tt := range tests {
		if got := regionFromAuthorization(tt.header); got != tt.want {
			t.Errorf("regionFromAuthorization(%q) = %q, want %q", tt.header, got, tt.want)
		}
	}
}

type notAService struct{}

func (notAService) ListClusters(context.Context, *ecs.ListClustersInput) (*ecs.ListClustersOutput, error) {
	return &ecs.ListClustersOutput{ClusterArns: []string{"a"}}, nil
}
func (notAService) RunTask(context.Context, *ecs.ListClustersInput) (*ecs.RunTaskOutput, error) {
	return nil, nil
}
func (notAService) StopTask(*ecs.StopTaskInput) (*ecs.StopTaskOutput, error) { return nil, nil }

func TestOperationsListsOnlyOperationShapedMethods(t *testing.T) {
	if got, want := Operations(notAService{}), []string{"ListClusters"}; !slices.Equal(got, want) {
		t.Errorf("Operations(notAService) = %v, want %v", got, want)
	}
	got := Operations(newRecorder())
	if len(got) != 19 || !slices.Contains(got, "RunTask") || slices.Contains(got, "handle") {
		t.Errorf("Operations(recorder) = %v", got)
	}
	if len(Operations(nil)) != 0 {
		t.Error("Operations(nil) not empty")
	}
}

// TestOperationsOfRealClient shows the dispatch shape is the SDK client's own: a *ecs.Client
// exposes every ECS operation.
func TestOperationsOfRealClient(t *testing.T) {
	ops := Operations(&ecs.Client{})
	for _, want := range []string{"RegisterTaskDefinition", "RunTask", "CreateService", "DescribeServices", "UpdateService", "ListClusters"} {
		if !slices.Contains(ops, want) {
			t.Errorf("Operations(*ecs.Client) lacks %s", want)
		}
	}
	if len(ops) < 60 {
		t.Errorf("Operations(*ecs.Client) = %d operations, want at least 60", len(ops))
	}
}

func TestWithPrefix(t *testing.T) {
	h := NewHandler(notAService{}, WithPrefix("Custom_1"))
	if status, _, doc := post(t, h, "Custom_1.ListClusters", `{}`); status != 200 || len(doc["clusterArns"].([]any)) != 1 {
		t.Errorf("custom prefix: %d %v", status, doc)
	}
	if status, _, _ := post(t, h, DefaultPrefix+".ListClusters", `{}`); status != 400 {
		t.Errorf("default prefix with WithPrefix: %d, want 400", status)
	}
}

func TestHandlerConcurrentClients(t *testing.T) {
	r := newRecorder()
	r.outs["DescribeServices"] = filled[ecs.DescribeServicesOutput](10)
	c, _ := newClient(t, r)
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for range 16 {
		wg.Go(func() {
			for range 10 {
				out, err := c.DescribeServices(context.Background(), &ecs.DescribeServicesInput{Services: []string{"a"}})
				if err != nil || len(out.Services) != 2 {
					errs <- fmt.Errorf("DescribeServices: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if got := r.calls["DescribeServices"]; got != 160 {
		t.Errorf("calls = %d, want 160", got)
	}
}

func TestHandlerResponseBodyReadable(t *testing.T) {
	// A raw client sees exactly the JSON document Marshal made.
	r := newRecorder()
	r.outs["ListClusters"] = &ecs.ListClustersOutput{ClusterArns: []string{"arn:aws:ecs:us-east-1:123456789012:cluster/default"}}
	srv := httptest.NewServer(NewHandler(r))
	defer srv.Close()
	req, _ := http.NewRequest(http.MethodPost, srv.URL+"/", strings.NewReader("{}"))
	req.Header.Set("X-Amz-Target", DefaultPrefix+".ListClusters")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if want := `{"clusterArns":["arn:aws:ecs:us-east-1:123456789012:cluster/default"]}`; string(body) != want {
		t.Errorf("body = %s, want %s", body, want)
	}
}
