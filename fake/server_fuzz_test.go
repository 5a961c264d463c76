package fake_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/ecsdeploy/ecsdeploy/fake"
)

const targetPrefix = "AmazonEC2ContainerServiceV20141113."

// fuzzSeeds are well-formed and malformed requests: every operation with a
// plausible body, protocol errors and controls.
var fuzzSeeds = []struct{ path, target, body string }{
	{"/", "ListClusters", `{}`},
	{"/", "CreateCluster", `{"clusterName":"c2","settings":[{"name":"containerInsights","value":"enabled"}],"tags":[{"key":"k","value":"v"}]}`},
	{"/", "DescribeClusters", `{"clusters":["default","nope"],"include":["STATISTICS","SETTINGS","TAGS"]}`},
	{"/", "DeleteCluster", `{"cluster":"default"}`},
	{"/", "RegisterTaskDefinition", `{"family":"web","networkMode":"awsvpc","requiresCompatibilities":["FARGATE"],"cpu":"256","memory":"512",` +
		`"containerDefinitions":[{"name":"web","image":"nginx","portMappings":[{"containerPort":80,"hostPort":80}],` +
		`"healthCheck":{"command":["CMD-SHELL","true"],"interval":5,"retries":1},"environment":[{"name":"A","value":"b"}]}]}`},
	{"/", "RegisterTaskDefinition", `{"family":"x","containerDefinitions":[{"name":"x","image":"x","memory":-1,"memoryReservation":4096}]}`},
	{"/", "DescribeTaskDefinition", `{"taskDefinition":"web:1","include":["TAGS"]}`},
	{"/", "DeregisterTaskDefinition", `{"taskDefinition":"web:1"}`},
	{"/", "DeleteTaskDefinitions", `{"taskDefinitions":["web:1","web:99","arn:aws:ecs:us-east-1:1:task-definition/web:1"]}`},
	{"/", "ListTaskDefinitions", `{"familyPrefix":"w","status":"ACTIVE","sort":"DESC","maxResults":1,"nextToken":"zzz"}`},
	{"/", "ListTaskDefinitionFamilies", `{"status":"ALL"}`},
	{"/", "RunTask", `{"taskDefinition":"web","count":3,"launchType":"EC2","placementConstraints":[{"type":"memberOf","expression":"attribute:ecs.availability-zone in [us-east-1a]"}],` +
		`"placementStrategy":[{"type":"binpack","field":"memory"},{"type":"spread","field":"instanceId"}],"overrides":{"containerOverrides":[{"name":"web","command":["sh"]}]}}`},
	{"/", "RunTask", `{"taskDefinition":"web","count":10,"launchType":"FARGATE","networkConfiguration":{"awsvpcConfiguration":{"subnets":["s"]}}}`},
	{"/", "StartTask", `{"taskDefinition":"web","containerInstances":["0123"]}`},
	{"/", "StopTask", `{"task":"0123456789abcdef0123456789abcdef","reason":"r"}`},
	{"/", "DescribeTasks", `{"tasks":["a","arn:aws:ecs:us-east-1:123456789012:task/default/abc"],"include":["TAGS"]}`},
	{"/", "ListTasks", `{"desiredStatus":"STOPPED","family":"web","startedBy":"x","containerInstance":"y","serviceName":"s"}`},
	{"/", "RegisterContainerInstance", `{"totalResources":[{"name":"CPU","type":"INTEGER","integerValue":1024},{"name":"MEMORY","type":"INTEGER","integerValue":-5}]}`},
	{"/", "DescribeContainerInstances", `{"containerInstances":["x"],"include":["CONTAINER_INSTANCE_HEALTH"]}`},
	{"/", "ListContainerInstances", `{"filter":"attribute:ecs.instance-type =~ t3.* and not(attribute:x exists)","status":"ACTIVE"}`},
	{"/", "UpdateContainerInstancesState", `{"containerInstances":["x"],"status":"DRAINING"}`},
	{"/", "DeregisterContainerInstance", `{"containerInstance":"x","force":true}`},
	{"/", "TagResource", `{"resourceArn":"arn:aws:ecs:us-east-1:123456789012:cluster/default","tags":[{"key":"aws:x","value":"v"}]}`},
	{"/", "UntagResource", `{"resourceArn":"arn:aws:ecs:us-east-1:123456789012:cluster/default","tagKeys":["k"]}`},
	{"/", "ListTagsForResource", `{"resourceArn":"arn:aws:ecs:us-east-1:123456789012:cluster/default"}`},
	{"/", "CreateService", `{"serviceName":"s","taskDefinition":"web","desiredCount":3,"launchType":"EC2",` +
		`"deploymentConfiguration":{"minimumHealthyPercent":50,"maximumPercent":200,"deploymentCircuitBreaker":{"enable":true,"rollback":true}},"healthCheckGracePeriodSeconds":30}`},
	{"/", "UpdateService", `{"service":"s","desiredCount":0,"forceNewDeployment":true,"taskDefinition":"web:1"}`},
	{"/", "DescribeServices", `{"services":["s","t"],"include":["TAGS"]}`},
	{"/", "ListServices", `{"launchType":"FARGATE","schedulingStrategy":"DAEMON","maxResults":100}`},
	{"/", "DeleteService", `{"service":"s","force":true}`},
	{"/", "RunTask", `{"taskDefinition":`},
	{"/", "RunTask", `{"count":"3"}`},
	{"/", "RunTask", `{"count":1e400}`},
	{"/", "RunTask", "{\"taskDefinition\":\"\xff\xfe\"}"},
	{"/", "DescribeTasks", `{"tasks":[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]}`},
	{"/", "NoSuchOperation", `{}`},
	{"/", "", ``},
	{"/other", "ListClusters", `{}`},
	{"/_fake/v1/advance", "", `{"duration":"90s"}`},
	{"/_fake/v1/advance", "", `{"duration":1e300}`},
	{"/_fake/v1/faults", "", `{"image":"nginx*","action":"fail-start","reason":"CannotPullContainerError: pull access denied","times":1}`},
	{"/_fake/v1/faults", "", `{"family":"web","action":"exit","exitCode":137,"after":"10s","probability":0.5}`},
	{"/_fake/v1/faults", "", `{"action":"unhealthy","after":-3}`},
	{"/_fake/v1/faults", "", `{"operation":"DescribeServices","error":"ThrottlingException","times":3,"probability":0.3}`},
	{"/_fake/v1/faults", "", `{"operation":"*","error":"ServerException"}`},
	{"/_fake/v1/instances", "", `{"cluster":"default","cpu":1024,"memory":2048,"az":"us-east-1c","instanceType":"m5.large","attributes":{"a":"b"},"count":3}`},
	{"/_fake/v1/calls", "", ``},
	{"/_fake/v1/reset", "", ``},
	{"/_fake/v1/time", "", ``},
	{"/_fake/v1/nope", "", `{}`},
}

// FuzzServer sends arbitrary bodies to every operation and control of a
// server over a small scenario (cluster, instance, task definition, task
// and service), and checks that nothing panics and every answer is a JSON
// object in the protocol's error shape.
func FuzzServer(f *testing.F) {
	for _, s := range fuzzSeeds {
		f.Add(s.path, s.target, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, path, target string, body []byte) {
		if !strings.HasPrefix(path, "/") {
			path = "/" + path
		}
		srv := fuzzServer(t)
		method := http.MethodPost
		if strings.HasSuffix(path, "/calls") || strings.HasSuffix(path, "/time") {
			method = http.MethodGet
		}
		req := httptest.NewRequest(method, "http://fake"+escapePath(path), bytes.NewReader(body))
		req.Header.Set("X-Amz-Target", targetPrefix+target)
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKID/20250101/eu-west-1/ecs/aws4_request, SignedHeaders=host, Signature=00")
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		checkFuzzAnswer(t, path, rec)
		// The fake stays usable.
		if _, err := srv.ECS().ListClusters(context.Background(), &ecs.ListClustersInput{}); err != nil && !strings.Contains(err.Error(), "Injected") &&
			!strings.Contains(err.Error(), "Rate exceeded") && !strings.Contains(err.Error(), "Service unavailable") {
			t.Fatalf("ListClusters after the request: %v", err)
		}
	})
}

// escapePath keeps httptest.NewRequest from panicking on a path that is
// not a valid request target.
func escapePath(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		c := p[i]
		if c <= ' ' || c >= 0x7f || c == '#' || c == '%' || c == '?' {
			b.WriteString("_")
			continue
		}
		b.WriteByte(c)
	}
	return b.String()
}

func fuzzServer(t *testing.T) *fake.Server {
	t.Helper()
	ctx := context.Background()
	e := fake.New()
	if _, err := e.CreateCluster(ctx, &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.AddInstance("default", fake.InstanceSpec{}); err != nil {
		t.Fatal(err)
	}
	var in ecs.RegisterTaskDefinitionInput
	if err := json.Unmarshal([]byte(`{"Family":"web","ContainerDefinitions":[{"Name":"web","Image":"nginx","Memory":128}]}`), &in); err != nil {
		t.Fatal(err)
	}
	if _, err := e.RegisterTaskDefinition(ctx, &in); err != nil {
		t.Fatal(err)
	}
	if _, err := e.CreateService(ctx, &ecs.CreateServiceInput{ServiceName: aws.String("s"), TaskDefinition: aws.String("web"), DesiredCount: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	return fake.NewServer(e)
}

func checkFuzzAnswer(t *testing.T, path string, rec *httptest.ResponseRecorder) {
	t.Helper()
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("answer %d is not a JSON object: %q", rec.Code, rec.Body.Bytes())
	}
	msg, _ := doc["message"].(string)
	if strings.Contains(msg, "internal error") {
		t.Fatalf("the fake panicked: %s", msg)
	}
	if rec.Code == http.StatusOK {
		return
	}
	if msg == "" {
		t.Fatalf("error answer %d without a message: %s", rec.Code, rec.Body.Bytes())
	}
	if strings.HasPrefix(path, fake.ControlPrefix) || path == strings.TrimSuffix(fake.ControlPrefix, "/") {
		if rec.Code != 400 && rec.Code != 404 && rec.Code != 405 && rec.Code != 413 {
			t.Fatalf("control answered %d: %s", rec.Code, rec.Body.Bytes())
		}
		return
	}
	if typ, _ := doc["__type"].(string); typ == "" || rec.Code < 400 || rec.Code > 500 {
		t.Fatalf("API error answer %d without __type: %s", rec.Code, rec.Body.Bytes())
	}
}
