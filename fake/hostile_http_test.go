package fake_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake"
	"github.com/ecsdeploy/ecsdeploy/internal/awsjson"
)

const hostileTarget = "AmazonEC2ContainerServiceV20141113."

// hostileFixture builds a fake with two clusters, an EC2 instance, two
// task definition revisions, a running service and standalone tasks: state
// every hostile request could damage.
func hostileFixture(t *testing.T) *fake.ECS {
	t.Helper()
	ctx := context.Background()
	e := fake.New(fake.WithSeed(1))
	for _, c := range []string{"default", "prod"} {
		if _, err := e.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String(c)}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.AddInstance("default", fake.InstanceSpec{}); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		_, err := e.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{
			Family: aws.String("web"),
			ContainerDefinitions: []types.ContainerDefinition{{
				Name: aws.String("web"), Image: aws.String("nginx:1.25"), Memory: aws.Int32(128),
			}},
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	if _, err := e.CreateService(ctx, &ecs.CreateServiceInput{
		Cluster: aws.String("default"), ServiceName: aws.String("web"), TaskDefinition: aws.String("web:1"),
		DesiredCount: aws.Int32(2), LaunchType: types.LaunchTypeEc2,
	}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.RunTask(ctx, &ecs.RunTaskInput{Cluster: aws.String("default"), TaskDefinition: aws.String("web:2"), Count: aws.Int32(2)}); err != nil {
		t.Fatal(err)
	}
	e.Advance(5 * 60e9)
	return e
}

// stateDump renders everything an ECS client can observe of e, through the
// API itself, as JSON: clusters, instances, services (with deployments and
// events), tasks of every status, task definitions and families.
func stateDump(t testing.TB, e *fake.ECS) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	put := func(label string, v any, err error) {
		if err != nil {
			t.Fatalf("state dump %s: %v", label, err)
		}
		js, err := awsjson.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s: %s\n", label, js)
	}
	cl, err := e.ListClusters(ctx, &ecs.ListClustersInput{})
	put("clusters", cl, err)
	dc, err := e.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: cl.ClusterArns,
		Include: []types.ClusterField{types.ClusterFieldTags, types.ClusterFieldStatistics, types.ClusterFieldSettings}})
	put("describeClusters", dc, err)
	for _, c := range cl.ClusterArns {
		ci, err := e.ListContainerInstances(ctx, &ecs.ListContainerInstancesInput{Cluster: aws.String(c)})
		put("instances "+c, ci, err)
		if len(ci.ContainerInstanceArns) > 0 {
			d, err := e.DescribeContainerInstances(ctx, &ecs.DescribeContainerInstancesInput{Cluster: aws.String(c), ContainerInstances: ci.ContainerInstanceArns})
			put("describeInstances "+c, d, err)
		}
		ls, err := e.ListServices(ctx, &ecs.ListServicesInput{Cluster: aws.String(c)})
		put("services "+c, ls, err)
		for i := 0; i < len(ls.ServiceArns); i += 10 {
			d, err := e.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(c), Services: ls.ServiceArns[i:min(i+10, len(ls.ServiceArns))],
				Include: []types.ServiceField{types.ServiceFieldTags}})
			put("describeServices "+c, d, err)
		}
		for _, st := range []types.DesiredStatus{types.DesiredStatusRunning, types.DesiredStatusStopped} {
			lt, err := e.ListTasks(ctx, &ecs.ListTasksInput{Cluster: aws.String(c), DesiredStatus: st})
			put("tasks "+c+" "+string(st), lt, err)
			for i := 0; i < len(lt.TaskArns); i += 100 {
				d, err := e.DescribeTasks(ctx, &ecs.DescribeTasksInput{Cluster: aws.String(c), Tasks: lt.TaskArns[i:min(i+100, len(lt.TaskArns))]})
				put("describeTasks "+c, d, err)
			}
		}
	}
	for _, st := range []types.TaskDefinitionStatus{types.TaskDefinitionStatusActive, types.TaskDefinitionStatusInactive} {
		td, err := e.ListTaskDefinitions(ctx, &ecs.ListTaskDefinitionsInput{Status: st})
		put("taskDefinitions "+string(st), td, err)
		for _, arn := range td.TaskDefinitionArns {
			d, err := e.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String(arn), Include: []types.TaskDefinitionField{types.TaskDefinitionFieldTags}})
			put("describeTaskDefinition", d, err)
		}
	}
	fam, err := e.ListTaskDefinitionFamilies(ctx, &ecs.ListTaskDefinitionFamiliesInput{Status: types.TaskDefinitionFamilyStatusAll})
	put("families", fam, err)
	return b.String()
}

// hostileCase is one malformed or hostile HTTP request and the error ECS
// answers it with.
type hostileCase struct {
	name   string
	method string // default POST
	path   string // default "/"
	target string // X-Amz-Target; "-" for none; default hostileTarget + op
	op     string
	body   string
	status int
	code   string   // __type; "" for a successful answer
	alt    []string // other codes real ECS is documented to use for the same rule
	bug    string   // a known divergence: the case is skipped with this text
}

const acct = "123456789012"

func hostileCases() []hostileCase {
	rep := strings.Repeat
	nested := func(n int) string { return `{"cluster":` + rep("[", n) + rep("]", n) + `}` }
	nestedObj := func(n int) string { return rep(`{"a":`, n) + `1` + rep("}", n) }
	strList := func(n int, s string) string {
		items := make([]string, n)
		for i := range items {
			items[i] = fmt.Sprintf("%q", fmt.Sprintf(s, i))
		}
		return "[" + strings.Join(items, ",") + "]"
	}
	containers := func(n int) string {
		items := make([]string, n)
		for i := range items {
			items[i] = fmt.Sprintf(`{"name":"c%d","image":"nginx","memory":16}`, i)
		}
		return "[" + strings.Join(items, ",") + "]"
	}
	const ser, unk, inv, cli = "SerializationException", "UnknownOperationException", "InvalidParameterException", "ClientException"
	return []hostileCase{
		// Method, path and target.
		{name: "GET", method: http.MethodGet, op: "ListClusters", body: `{}`, status: 404, code: unk},
		{name: "PUT", method: http.MethodPut, op: "ListClusters", body: `{}`, status: 404, code: unk},
		{name: "DELETE", method: http.MethodDelete, op: "DeleteCluster", body: `{"cluster":"prod"}`, status: 404, code: unk},
		{name: "PATCH", method: http.MethodPatch, op: "DeleteService", body: `{"service":"web","force":true}`, status: 404, code: unk},
		{name: "wrong path", path: "/v1/clusters", op: "DeleteCluster", body: `{"cluster":"prod"}`, status: 404, code: unk},
		{name: "path traversal", path: "/../", op: "DeleteCluster", body: `{"cluster":"prod"}`, status: 404, code: unk},
		{name: "missing target", target: "-", body: `{"cluster":"prod"}`, status: 400, code: unk},
		{name: "empty target", target: "", op: "", body: `{}`, status: 400, code: unk},
		{name: "target prefix only", target: hostileTarget, body: `{}`, status: 400, code: unk},
		{name: "other service prefix", target: "DynamoDB_20120810.DeleteTable", body: `{"TableName":"x"}`, status: 400, code: unk},
		{name: "unknown operation", op: "DeleteEverything", body: `{}`, status: 400, code: unk},
		{name: "operation lower case", op: "deleteCluster", body: `{"cluster":"prod"}`, status: 400, code: unk},
		{name: "target lower case prefix", target: strings.ToLower(hostileTarget) + "DeleteCluster", body: `{"cluster":"prod"}`, status: 400, code: unk},
		{name: "target trailing space", target: hostileTarget + "DeleteCluster ", body: `{"cluster":"prod"}`, status: 400, code: unk},
		{name: "target with NUL", target: hostileTarget + "DeleteCluster\x00", body: `{"cluster":"prod"}`, status: 400, code: unk},
		{name: "inspection method Reset", op: "Reset", body: `{}`, status: 400, code: unk},
		{name: "inspection method Advance", op: "Advance", body: `{}`, status: 400, code: unk},
		{name: "inspection method LoseInstance", op: "LoseInstance", body: `{}`, status: 400, code: unk},
		{name: "inspection method ClearFaults", op: "ClearFaults", body: `{}`, status: 400, code: unk},
		{name: "inspection method ServeHTTP", op: "ServeHTTP", body: `{}`, status: 400, code: unk},
		// Malformed JSON.
		{name: "not JSON", op: "DeleteCluster", body: `delete prod`, status: 400, code: ser},
		{name: "truncated object", op: "DeleteCluster", body: `{"cluster":"prod"`, status: 400, code: ser},
		{name: "trailing garbage", op: "DeleteCluster", body: `{"cluster":"prod"} x`, status: 400, code: ser},
		{name: "two documents", op: "DeleteCluster", body: `{"cluster":"prod"}{"cluster":"prod"}`, status: 400, code: ser},
		{name: "top-level array", op: "DeleteCluster", body: `["prod"]`, status: 400, code: ser},
		{name: "top-level string", op: "DeleteCluster", body: `"prod"`, status: 400, code: ser},
		{name: "top-level number", op: "DeleteCluster", body: `1`, status: 400, code: ser},
		{name: "single quotes", op: "DeleteCluster", body: `{'cluster':'prod'}`, status: 400, code: ser},
		{name: "comment", op: "DeleteCluster", body: `{"cluster":"prod" /* x */}`, status: 400, code: ser},
		{name: "NaN", op: "RunTask", body: `{"taskDefinition":"web:1","count":NaN}`, status: 400, code: ser},
		// Wrong member types.
		{name: "count as string", op: "RunTask", body: `{"taskDefinition":"web:1","count":"2"}`, status: 400, code: ser},
		{name: "count fractional", op: "RunTask", body: `{"taskDefinition":"web:1","count":1.5}`, status: 400, code: ser},
		{name: "count boolean", op: "RunTask", body: `{"taskDefinition":"web:1","count":true}`, status: 400, code: ser},
		{name: "count overflows int32", op: "RunTask", body: `{"taskDefinition":"web:1","count":4294967297}`, status: 400, code: ser},
		{name: "count huge exponent", op: "RunTask", body: `{"taskDefinition":"web:1","count":1e400}`, status: 400, code: ser},
		{name: "taskDefinition as number", op: "RunTask", body: `{"taskDefinition":1}`, status: 400, code: ser},
		{name: "cluster as object", op: "DeleteCluster", body: `{"cluster":{"name":"prod"}}`, status: 400, code: ser},
		{name: "tasks as string", op: "DescribeTasks", body: `{"tasks":"all"}`, status: 400, code: ser},
		{name: "tasks of numbers", op: "DescribeTasks", body: `{"tasks":[1,2]}`, status: 400, code: ser},
		{name: "desiredCount as string", op: "UpdateService", body: `{"service":"web","desiredCount":"0"}`, status: 400, code: ser},
		{name: "deploymentConfiguration as array", op: "UpdateService", body: `{"service":"web","deploymentConfiguration":[50,100]}`, status: 400, code: ser},
		{name: "force as string", op: "DeleteService", body: `{"service":"web","force":"true"}`, status: 400, code: ser},
		{name: "containerDefinitions as object", op: "RegisterTaskDefinition", body: `{"family":"x","containerDefinitions":{"name":"x"}}`, status: 400, code: ser},
		{name: "memory as number", op: "RegisterTaskDefinition", body: `{"family":"x","memory":512,"containerDefinitions":[{"name":"x","image":"nginx","memory":16}]}`, status: 400, code: ser},
		{name: "essential as string", op: "RegisterTaskDefinition", body: `{"family":"x","containerDefinitions":[{"name":"x","image":"nginx","memory":16,"essential":"yes"}]}`, status: 400, code: ser},
		{name: "dockerLabels as list", op: "RegisterTaskDefinition", body: `{"family":"x","containerDefinitions":[{"name":"x","image":"nginx","memory":16,"dockerLabels":["a"]}]}`, status: 400, code: ser},
		// A null list element decodes as "" (the SDK never sends one); it is
		// answered as a MISSING failure, with no state change.
		{name: "null element in list", op: "DescribeTasks", body: `{"tasks":[null]}`, status: 200},
		// Text encoding.
		{name: "invalid UTF-8 in value", op: "DeleteCluster", body: "{\"cluster\":\"pr\xffod\"}", status: 400, code: ser},
		{name: "invalid UTF-8 in key", op: "DeleteCluster", body: "{\"clu\xc3ster\":\"prod\"}", status: 400, code: ser},
		{name: "overlong UTF-8", op: "DeleteCluster", body: "{\"cluster\":\"\xc0\xafprod\"}", status: 400, code: ser},
		{name: "UTF-16 BOM body", op: "DeleteCluster", body: "\xff\xfe{\x00}\x00", status: 400, code: ser},
		{name: "bad escape", op: "DeleteCluster", body: `{"cluster":"\q"}`, status: 400, code: ser},
		{name: "raw control character", op: "DeleteCluster", body: "{\"cluster\":\"pr\x01od\"}", status: 400, code: ser},
		// Deep nesting.
		{name: "deep array nesting", op: "DeleteCluster", body: nested(100000), status: 400, code: ser},
		{name: "deep object nesting", op: "DeleteCluster", body: nestedObj(100000), status: 400, code: ser},
		{name: "deep nesting in unknown member", op: "ListClusters", body: `{"x":` + rep("[", 200000) + rep("]", 200000) + `}`, status: 400, code: ser},
		// Huge bodies and arrays.
		{name: "body 1 MiB + 1", op: "DeleteCluster", body: `{"cluster":"prod","x":"` + rep("a", 1<<20) + `"}`, status: 413, code: "RequestEntityTooLargeException"},
		{name: "body 4 MiB of whitespace", op: "DeleteCluster", body: `{"cluster":"prod"}` + rep(" ", 4<<20), status: 413, code: "RequestEntityTooLargeException"},
		{name: "huge string family", op: "RegisterTaskDefinition", body: `{"family":"` + rep("f", 900_000) + `","containerDefinitions":[{"name":"x","image":"nginx","memory":16}]}`, status: 400, code: cli},
		// Lists over awsjson.MaxListItems are refused before decoding.
		{name: "describe 50000 tasks", op: "DescribeTasks", body: `{"tasks":` + strList(50000, "t%d") + `}`, status: 400, code: ser},
		{name: "describe 5000 tasks", op: "DescribeTasks", body: `{"tasks":` + strList(5000, "t%d") + `}`, status: 400, code: inv},
		{name: "describe 11 services", op: "DescribeServices", body: `{"services":` + strList(11, "s%d") + `}`, status: 400, code: inv},
		{name: "describe 20000 services", op: "DescribeServices", body: `{"services":` + strList(20000, "s%d") + `}`, status: 400, code: ser},
		{name: "describe 2000 services", op: "DescribeServices", body: `{"services":` + strList(2000, "s%d") + `}`, status: 400, code: inv},
		{name: "run 11 tasks", op: "RunTask", body: `{"taskDefinition":"web:1","count":11}`, status: 400, code: inv},
		{name: "run 0 tasks", op: "RunTask", body: `{"taskDefinition":"web:1","count":0}`, status: 400, code: inv},
		{name: "run -5 tasks", op: "RunTask", body: `{"taskDefinition":"web:1","count":-5}`, status: 400, code: inv},
		{name: "11 containers", op: "RegisterTaskDefinition", body: `{"family":"x","containerDefinitions":` + containers(11) + `}`, status: 400, code: cli},
		{name: "10000 containers", op: "RegisterTaskDefinition", body: `{"family":"x","containerDefinitions":` + containers(10000) + `}`, status: 400, code: cli},
		{name: "task definition over 64 KiB", op: "RegisterTaskDefinition", body: `{"family":"x","containerDefinitions":[{"name":"x","image":"nginx","memory":16,"command":["` + rep("a", 70_000) + `"]}]}`, status: 400, code: cli, alt: []string{inv}},
		{name: "51 tags", op: "TagResource", body: `{"resourceArn":"arn:aws:ecs:us-east-1:` + acct + `:cluster/prod","tags":` + func() string {
			items := make([]string, 51)
			for i := range items {
				items[i] = fmt.Sprintf(`{"key":"k%d","value":"v"}`, i)
			}
			return "[" + strings.Join(items, ",") + "]"
		}() + `}`, status: 400, code: inv},
		// Bad names and ARNs.
		{name: "describe unknown task ARN", op: "DescribeTasks", body: `{"tasks":["arn:aws:ecs:us-east-1:` + acct + `:task/default/0123456789abcdef0123456789abcdef"]}`, status: 200},
		{name: "stop unknown task ARN", op: "StopTask", body: `{"task":"arn:aws:ecs:us-east-1:` + acct + `:task/default/0123456789abcdef0123456789abcdef"}`, status: 400, code: inv},
		{name: "stop task not an ARN", op: "StopTask", body: `{"task":"not-an-arn/../x"}`, status: 400, code: inv},
		{name: "stop task in unknown cluster ARN", op: "StopTask", body: `{"cluster":"arn:aws:ecs:us-east-1:` + acct + `:cluster/nope","task":"0123456789abcdef0123456789abcdef"}`, status: 400, code: "ClusterNotFoundException"},
		{name: "cluster ARN of other account", op: "DeleteCluster", body: `{"cluster":"arn:aws:ecs:us-east-1:999999999999:cluster/prod"}`, status: 400, code: "ClusterNotFoundException"},
		{name: "cluster ARN of other region", op: "DeleteCluster", body: `{"cluster":"arn:aws:ecs:eu-west-1:` + acct + `:cluster/prod"}`, status: 400, code: "ClusterNotFoundException"},
		{name: "cluster ARN of other partition", op: "DeleteCluster", body: `{"cluster":"arn:aws-cn:ecs:us-east-1:` + acct + `:cluster/prod"}`, status: 400, code: "ClusterNotFoundException"},
		{name: "service ARN of other account", op: "DeleteService", body: `{"service":"arn:aws:ecs:us-east-1:999999999999:service/default/web","force":true}`, status: 400, code: "ServiceNotFoundException"},
		{name: "task definition ARN of other region", op: "DeregisterTaskDefinition", body: `{"taskDefinition":"arn:aws:ecs:eu-west-1:` + acct + `:task-definition/web:1"}`, status: 400, code: cli},
		{name: "cluster ARN with empty name", op: "DeleteCluster", body: `{"cluster":"arn:aws:ecs:us-east-1:` + acct + `:cluster/"}`, status: 400, code: "ClusterNotFoundException"},
		{name: "update unknown service ARN", op: "UpdateService", body: `{"service":"arn:aws:ecs:us-east-1:` + acct + `:service/default/nope","desiredCount":0}`, status: 400, code: "ServiceNotFoundException"},
		{name: "delete service via task ARN", op: "DeleteService", body: `{"service":"arn:aws:ecs:us-east-1:` + acct + `:task/default/web","force":true}`, status: 400, code: "ServiceNotFoundException"},
		{name: "run task definition ARN with empty family", op: "RunTask", body: `{"taskDefinition":"arn:aws:ecs:us-east-1:` + acct + `:task-definition/:1"}`, status: 400, code: cli, alt: []string{inv}},
		{name: "run unknown revision", op: "RunTask", body: `{"taskDefinition":"web:999"}`, status: 400, code: cli, alt: []string{inv}},
		{name: "run revision zero", op: "RunTask", body: `{"taskDefinition":"web:0"}`, status: 400, code: cli, alt: []string{inv}},
		{name: "deregister without revision", op: "DeregisterTaskDefinition", body: `{"taskDefinition":"web"}`, status: 400, code: cli, alt: []string{inv}},
		{name: "tag bad ARN", op: "TagResource", body: `{"resourceArn":"arn:aws:s3:::bucket","tags":[{"key":"a","value":"b"}]}`, status: 400, code: inv},
		{name: "untag unknown cluster ARN", op: "UntagResource", body: `{"resourceArn":"arn:aws:ecs:us-east-1:` + acct + `:cluster/nope","tagKeys":["a"]}`, status: 400, code: inv, alt: []string{"ResourceNotFoundException", "ClusterNotFoundException"}},
		// Rule violations that must leave state untouched.
		{name: "create service negative desired", op: "CreateService", body: `{"serviceName":"api","taskDefinition":"web:1","desiredCount":-1}`, status: 400, code: inv},
		{name: "create service in unknown cluster", op: "CreateService", body: `{"cluster":"nope","serviceName":"api","taskDefinition":"web:1","desiredCount":1}`, status: 400, code: "ClusterNotFoundException"},
		{name: "create service not idempotent", op: "CreateService", body: `{"serviceName":"web","taskDefinition":"web:2","desiredCount":5}`, status: 400, code: inv},
		{name: "update max below 100", op: "UpdateService", body: `{"service":"web","deploymentConfiguration":{"maximumPercent":50,"minimumHealthyPercent":100}}`, status: 400, code: inv},
		{name: "delete active service without force", op: "DeleteService", body: `{"service":"web"}`, status: 400, code: inv},
		{name: "list tasks maxResults 101", op: "ListTasks", body: `{"maxResults":101}`, status: 400, code: inv},
		{name: "list tasks bad nextToken", op: "ListTasks", body: `{"nextToken":"!!not-a-token!!"}`, status: 400, code: inv},
	}
}

// TestHostileRequestsLeaveStateUntouched sends every hostile case to the
// fake over HTTP and checks the error shape, status and code, and that
// nothing observable through the API changed.
func TestHostileRequestsLeaveStateUntouched(t *testing.T) {
	cases := hostileCases()
	if len(cases) < 60 {
		t.Fatalf("only %d hostile cases", len(cases))
	}
	want := stateDump(t, hostileFixture(t))
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.bug != "" {
				t.Skip("known bug: " + tc.bug)
			}
			e := hostileFixture(t)
			if got := stateDump(t, e); got != want {
				t.Fatalf("fixture not deterministic:\n%s", firstDiff(want, got))
			}
			srv := fake.NewServer(e)
			method, path, target := tc.method, tc.path, tc.target
			if method == "" {
				method = http.MethodPost
			}
			if path == "" {
				path = "/"
			}
			if target == "" && tc.op != "" {
				target = hostileTarget + tc.op
			}
			req := httptest.NewRequest(method, "http://ecs.local"+path, strings.NewReader(tc.body))
			req.URL.Path = path
			req.Header.Set("Content-Type", "application/x-amz-json-1.1")
			if target != "-" {
				req.Header.Set("X-Amz-Target", target)
			}
			rec := httptest.NewRecorder()
			srv.ServeHTTP(rec, req)
			if rec.Code != tc.status {
				t.Errorf("status %d, want %d: %.300s", rec.Code, tc.status, rec.Body.String())
			}
			if tc.code != "" {
				var eb struct {
					Type    string `json:"__type"`
					Message string `json:"message"`
				}
				if err := json.Unmarshal(rec.Body.Bytes(), &eb); err != nil {
					t.Fatalf("error body is not JSON: %v: %.300s", err, rec.Body.String())
				}
				if (eb.Type != tc.code && !slices.Contains(tc.alt, eb.Type)) || eb.Message == "" {
					t.Errorf("__type %q message %.200q, want %s with a message", eb.Type, eb.Message, tc.code)
				}
			}
			if got := stateDump(t, e); got != want {
				t.Fatalf("state changed:\n%s", firstDiff(want, got))
			}
		})
	}
}

// firstDiff shows the first differing line of two dumps.
func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return fmt.Sprintf("before: %.600s\nafter:  %.600s", al[i], bl[i])
		}
	}
	return fmt.Sprintf("%d lines before, %d after", len(al), len(bl))
}
