package fake_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/ecsdeploy/ecsdeploy/fake"
	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

// hostileRefs are the ARNs of hostileFixture's resources that the control
// and ARN tests name: clusters default and prod, service web and the
// container instance.
type hostileRefs struct {
	cluster, prod, service, instance string
}

// readHostileRefs reads the ARNs of hostileFixture's resources from e.
func readHostileRefs(t *testing.T, e *fake.ECS) hostileRefs {
	t.Helper()
	ctx := context.Background()
	var r hostileRefs
	cl, err := e.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: []string{"default", "prod"}})
	if err != nil {
		t.Fatal(err)
	}
	r.cluster, r.prod = *cl.Clusters[0].ClusterArn, *cl.Clusters[1].ClusterArn
	sv, err := e.DescribeServices(ctx, &ecs.DescribeServicesInput{Services: []string{"web"}})
	if err != nil {
		t.Fatal(err)
	}
	r.service = *sv.Services[0].ServiceArn
	ci, err := e.ListContainerInstances(ctx, &ecs.ListContainerInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	r.instance = ci.ContainerInstanceArns[0]
	return r
}

// createWebTG creates the unattached target group web-tg (HTTP:80, ip
// targets) with tags, and returns its ARN.
func createWebTG(t *testing.T, e *fake.ECS, tags ...elbtypes.Tag) string {
	t.Helper()
	tg, err := e.ELBv2().CreateTargetGroup(context.Background(), &elbv2.CreateTargetGroupInput{Name: aws.String("web-tg"),
		Protocol: elbtypes.ProtocolEnumHttp, Port: aws.Int32(80), VpcId: aws.String("vpc-1"), TargetType: elbtypes.TargetTypeEnumIp, Tags: tags})
	if err != nil {
		t.Fatal(err)
	}
	return *tg.TargetGroups[0].TargetGroupArn
}

// ctlRefs are the ARNs of the resources of ctlFixture the controls name.
type ctlRefs struct {
	hostileRefs
	targetGroup string
}

// ctlFixture is hostileFixture plus what the controls act on: a target
// group web-tg, a task fault, an operation fault (on RunTask, which the
// state dump does not call) and a target health fault in force.
func ctlFixture(t *testing.T) (*fake.ECS, ctlRefs) {
	t.Helper()
	e := hostileFixture(t)
	r := ctlRefs{hostileRefs: readHostileRefs(t, e), targetGroup: createWebTG(t, e)}
	if err := e.InjectFault(fake.Fault{Image: "web:bad", Action: fake.FaultFailStart}); err != nil {
		t.Fatal(err)
	}
	e.FailOperation("RunTask", "ThrottlingException", 1, 0)
	if err := e.ELBv2().InjectHealthFault(fake.TargetHealthFault{Image: "web:slow", Code: 503}); err != nil {
		t.Fatal(err)
	}
	return e, r
}

// ctlDump is everything a control could change: what the ECS API shows
// (stateDump) and what it does not (fake.ControlStateForTest).
func ctlDump(t *testing.T, e *fake.ECS) string {
	t.Helper()
	return stateDump(t, e) + fake.ControlStateForTest(e)
}

// ctlAnswer is a control's answer.
type ctlAnswer struct {
	status        int
	message, code string
	body          map[string]any
}

// ctlSend sends one control request to h and decodes the answer.
func ctlSend(t *testing.T, h http.Handler, method, path, body string) ctlAnswer {
	t.Helper()
	req := httptest.NewRequest(method, "http://ecs.local"+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("%s %s: answer is not a JSON object: %.300q", method, path, rec.Body.String())
	}
	a := ctlAnswer{status: rec.Code, body: doc}
	a.message, _ = doc["message"].(string)
	a.code, _ = doc["code"].(string)
	return a
}

// ctlHostileCase is one bad control request: the status and a piece of
// the message it must get. setup, when set, runs on the fixture first
// (its effects are part of the state the request must leave alone).
type ctlHostileCase struct {
	name, method, path, body string
	status                   int
	msg                      string
	setup                    func(t *testing.T, e *fake.ECS, r ctlRefs)
}

// maxControlErrorBytes bounds every control error message of the hostile
// suite: a message names the field and the rule, and clips what it echoes.
const maxControlErrorBytes = 1024

// maxControlRequestAlloc bounds what one hostile control request may
// allocate: a 1 MiB body is read, decoded and refused in a few MiB; no
// request may allocate in proportion to a number it carries.
const maxControlRequestAlloc = 32 << 20

func ctlHostileCases() []ctlHostileCase {
	rep := strings.Repeat
	attrs := func(n int) string {
		items := make([]string, n)
		for i := range items {
			items[i] = fmt.Sprintf(`"k%d":"v"`, i)
		}
		return "{" + strings.Join(items, ",") + "}"
	}
	points := func(n int) string {
		items := make([]string, n)
		for i := range items {
			if i == 0 {
				items[i] = `{"value":1}`
				continue
			}
			items[i] = fmt.Sprintf(`{"at":"2025-01-01T%02d:%02d:00Z","value":1}`, i/60%24, i%60)
		}
		return "[" + strings.Join(items, ",") + "]"
	}
	big := func(member string) string { return `{` + member + `:"` + rep("x", 100_000) + `"}` }
	huge := rep(" ", fake.MaxRequestBytes)
	const post, get, del = http.MethodPost, http.MethodGet, http.MethodDelete
	const (
		adv, flt, ins, lose = "/_fake/v1/advance", "/_fake/v1/faults", "/_fake/v1/instances", "/_fake/v1/lose-instance"
		load, asg, spot     = "/_fake/v1/load", "/_fake/v1/autoscaling-groups", "/_fake/v1/spot"
		thf, calls, reset   = "/_fake/v1/target-health-faults", "/_fake/v1/calls", "/_fake/v1/reset"
	)
	return []ctlHostileCase{
		// advance
		{name: "advance 1e18 seconds", method: post, path: adv, body: `{"duration":1e18}`, status: 400, msg: "duration: at most 744h0m0s per call"},
		{name: "advance 1e18 ns", method: post, path: adv, body: `{"duration":"1000000000000000000ns"}`, status: 400, msg: "duration: at most 744h0m0s per call"},
		{name: "advance overflowing duration", method: post, path: adv, body: `{"duration":"99999999999h"}`, status: 400, msg: `duration: "99999999999h" is not a duration`},
		{name: "advance huge string", method: post, path: adv, body: big(`"duration"`), status: 400, msg: "duration: "},
		{name: "advance null", method: post, path: adv, body: `{"duration":null}`, status: 400, msg: "duration: required"},
		{name: "advance negative seconds", method: post, path: adv, body: `{"duration":-0.5}`, status: 400, msg: "duration: must not be negative"},
		{name: "advance array", method: post, path: adv, body: `{"duration":[1]}`, status: 400, msg: "duration: must be a duration string"},
		{name: "advance body over 1 MiB", method: post, path: adv, body: `{"duration":"1s"}` + huge, status: 413, msg: "request body exceeds 1048576 bytes"},
		{name: "advance unknown member 100 KB long", method: post, path: adv, body: `{"` + rep("k", 100_000) + `":1}`, status: 400, msg: "unknown field"},
		{name: "reset deep nesting", method: post, path: reset, body: `{"x":` + rep("[", 100_000) + rep("]", 100_000) + `}`, status: 400, msg: "request body"},
		// faults
		{name: "fault after 1e10 seconds", method: post, path: flt, body: `{"action":"exit","after":1e10}`, status: 400, msg: "fault.after: 1e+10 seconds is out of range"},
		{name: "fault after 9000h", method: post, path: flt, body: `{"action":"exit","after":"9000h"}`, status: 400, msg: "fault.after: at most 8760h0m0s"},
		{name: "fault probability 2", method: post, path: flt, body: `{"action":"exit","probability":2}`, status: 400, msg: "fault.probability: must be in [0,1], got 2"},
		{name: "fault after negative", method: post, path: flt, body: `{"action":"exit","after":"-5s"}`, status: 400, msg: "fault.after: must not be negative"},
		{name: "fault after huge string", method: post, path: flt, body: `{"action":"exit","after":"` + rep("9", 100_000) + `"}`, status: 400, msg: "fault.after: "},
		{name: "fault every huge string", method: post, path: flt, body: `{"action":"output","lines":["a"],"every":"` + rep("9", 100_000) + `"}`, status: 400, msg: "fault.every: "},
		{name: "fault times negative", method: post, path: flt, body: `{"action":"exit","times":-1}`, status: 400, msg: "fault.times: must not be negative"},
		{name: "fault times 1e30", method: post, path: flt, body: `{"action":"exit","times":1e30}`, status: 400, msg: "times: must be an integer between"},
		{name: "fault exitCode over int32", method: post, path: flt, body: `{"action":"exit","exitCode":4294967296}`, status: 400, msg: "exitCode: must be an integer between -2147483648 and 2147483647"},
		{name: "fault reason 2000 bytes", method: post, path: flt, body: `{"action":"fail-start","reason":"` + rep("r", 2000) + `"}`, status: 400, msg: "fault.reason: at most 1024 bytes"},
		{name: "fault 1001st task fault", method: post, path: flt, body: `{"action":"exit"}`, status: 400, msg: "at most 1000 task faults in force",
			setup: func(t *testing.T, e *fake.ECS, _ ctlRefs) {
				for range 999 { // the fixture holds one
					if err := e.InjectFault(fake.Fault{Action: fake.FaultExit}); err != nil {
						t.Fatal(err)
					}
				}
			}},
		{name: "fault 1001st operation fault", method: post, path: flt, body: `{"operation":"*"}`, status: 400, msg: "at most 1000 operation faults in force",
			setup: func(_ *testing.T, e *fake.ECS, _ ctlRefs) {
				for range 999 {
					e.FailOperation("StartTask", "ServerException", 0, 0)
				}
			}},
		{name: "fault image selector over 255 bytes", method: post, path: flt, body: `{"action":"exit","image":"` + rep("*", 300) + `"}`, status: 400, msg: "fault.image: at most 255 bytes"},
		{name: "fault text past 8 MiB in force", method: post, path: flt, body: `{"action":"output","lines":["` + rep("x", 200_000) + `"]}`, status: 400, msg: "at most 8 MiB of task fault text",
			setup: func(t *testing.T, e *fake.ECS, _ ctlRefs) {
				line := rep("l", 1<<20-100)
				for range 8 {
					if err := e.InjectFault(fake.Fault{Image: "web:log", Action: fake.FaultOutput, Lines: []string{line}}); err != nil {
						t.Fatal(err)
					}
				}
			}},
		{name: "fault action 100 KB", method: post, path: flt, body: `{"action":"` + rep("a", 100_000) + `"}`, status: 400, msg: "must be fail-start, exit, unhealthy or output"},
		{name: "operation fault name 100 KB", method: post, path: flt, body: `{"operation":"` + rep("A", 100_000) + `"}`, status: 400, msg: "is not an operation name"},
		{name: "operation fault error 100 KB", method: post, path: flt, body: `{"operation":"RunTask","error":"` + rep("E", 100_000) + `"}`, status: 400, msg: "is not an error code"},
		{name: "operation fault times 1e30", method: post, path: flt, body: `{"operation":"RunTask","times":1e30}`, status: 400, msg: "times: must be an integer between"},
		{name: "faults body over 1 MiB", method: post, path: flt, body: `{"action":"exit"}` + huge, status: 413, msg: "exceeds 1048576 bytes"},
		{name: "delete faults with a body", method: del, path: flt, body: `{"image":"web:bad"}`, status: 400, msg: `"image": unknown field`},
		// instances
		{name: "instances top-level array", method: post, path: ins, body: `[{"count":2}]`, status: 400, msg: "request body: must be a JSON object, not array"},
		{name: "instances count 1e9", method: post, path: ins, body: `{"count":1000000000}`, status: 400, msg: "count: must be in [1,1000]"},
		{name: "instances count 1e30", method: post, path: ins, body: `{"count":1e30}`, status: 400, msg: "count: must be an integer between"},
		{name: "instances cpu over int32", method: post, path: ins, body: `{"cpu":10000000000}`, status: 400, msg: "cpu: must be at most 2147483647"},
		{name: "instances memory over int32", method: post, path: ins, body: `{"memory":2147483648}`, status: 400, msg: "memory: must be at most 2147483647"},
		{name: "instances 11 attributes", method: post, path: ins, body: `{"attributes":` + attrs(11) + `}`, status: 400, msg: "attributes: at most 10 custom attributes"},
		{name: "instances 1000 x 5000 attributes", method: post, path: ins, body: `{"count":1000,"attributes":` + attrs(5000) + `}`, status: 400, msg: "attributes: at most 10 custom attributes"},
		{name: "instances attribute name with space", method: post, path: ins, body: `{"attributes":{"a b":"v"}}`, status: 400, msg: `attributes: name "a b": 1-128 letters`},
		{name: "instances attribute empty name", method: post, path: ins, body: `{"attributes":{"":"v"}}`, status: 400, msg: `attributes: name "": 1-128 letters`},
		{name: "instances attribute value with leading space", method: post, path: ins, body: `{"attributes":{"k":" v"}}`, status: 400, msg: `attributes["k"]: value " v": 1-128 letters`},
		{name: "instances attribute value 129 bytes", method: post, path: ins, body: `{"attributes":{"k":"` + rep("v", 129) + `"}}`, status: 400, msg: `attributes["k"]: value`},
		{name: "instances attribute value not a string", method: post, path: ins, body: `{"attributes":{"k":5}}`, status: 400, msg: "must be a JSON string"},
		{name: "instances cluster as a 100 KB number", method: post, path: ins, body: `{"cluster":` + rep("1", 100_000) + `}`, status: 400, msg: "cluster: must be a JSON string, not number"},
		{name: "instances attribute key 100 KB long", method: post, path: ins, body: `{"attributes":{"` + rep("k", 100_000) + `":5}}`, status: 400, msg: "must be a JSON string"},
		{name: "faults unknown member 100 KB long", method: post, path: flt, body: `{"action":"exit","` + rep("k", 100_000) + `":1}`, status: 400, msg: "unknown field"},
		{name: "instances az 100 KB", method: post, path: ins, body: big(`"az"`), status: 400, msg: "az: "},
		{name: "instances bad instanceType", method: post, path: ins, body: `{"instanceType":"m5 large"}`, status: 400, msg: `instanceType: "m5 large"`},
		{name: "instances body over 1 MiB", method: post, path: ins, body: `{}` + huge, status: 413, msg: "exceeds 1048576 bytes"},
		// lose-instance
		{name: "lose an instance lost already", method: post, path: lose, status: 404, msg: "no such container instance, or it is no longer ACTIVE",
			setup: func(t *testing.T, e *fake.ECS, r ctlRefs) {
				if err := e.LoseInstance(r.instance); err != nil {
					t.Fatal(err)
				}
			}},
		{name: "lose-instance number", method: post, path: lose, body: `{"containerInstance":5}`, status: 400, msg: "containerInstance: must be a JSON string, not number"},
		{name: "lose-instance body over 1 MiB", method: post, path: lose, body: `{"containerInstance":"x"}` + huge, status: 413, msg: "exceeds 1048576 bytes"},
		// load
		{name: "load absurd level", method: post, path: load, body: `{"service":"web","cpu":[{"value":1e300}]}`, status: 400, msg: "cpu[0].value: must be at most 1000000000"},
		{name: "load negative level", method: post, path: load, body: `{"service":"web","requests":[{"value":1},{"at":"2025-01-01T00:10:00Z","value":-1}]}`, status: 400, msg: "requests[1].value: must not be negative"},
		{name: "load 1001 points", method: post, path: load, body: `{"service":"web","memory":` + points(1001) + `}`, status: 400, msg: "memory: at most 1000 points"},
		{name: "load point without at", method: post, path: load, body: `{"service":"web","cpu":[{"value":1},{"value":2}]}`, status: 400, msg: "cpu[1].at: required after the first point"},
		{name: "load points out of order", method: post, path: load, body: `{"service":"web","cpu":[{"value":1},{"at":"2025-01-02T00:00:00Z","value":2},{"at":"2025-01-01T00:00:00Z","value":3}]}`, status: 400, msg: "cpu[2].at: before cpu[1].at"},
		{name: "load at as number", method: post, path: load, body: `{"service":"web","cpu":[{"at":5,"value":1}]}`, status: 400, msg: "cpu[0].at: must be an RFC 3339 time"},
		{name: "load unknown cluster", method: post, path: load, body: `{"cluster":"nope","service":"web"}`, status: 404, msg: `cluster "nope": Cluster not found.`},
		{name: "load unknown service", method: post, path: load, body: `{"service":"nope"}`, status: 404, msg: `service "nope": Service not found.`},
		{name: "load empty service", method: post, path: load, body: `{"service":""}`, status: 400, msg: "service: is required"},
		{name: "load unknown member", method: post, path: load, body: `{"service":"web","rps":[]}`, status: 400, msg: `"rps": unknown field`},
		// autoscaling-groups
		{name: "asg without name", method: post, path: asg, body: `{}`, status: 400, msg: "name: required"},
		{name: "asg bad name", method: post, path: asg, body: `{"name":"a b"}`, status: 400, msg: `name: "a b": 1-255 letters`},
		{name: "asg desired 1e9", method: post, path: asg, body: `{"name":"g","desiredCapacity":1000000000}`, status: 400, msg: "desiredCapacity: must be in [0,10000]"},
		{name: "asg desired over the instance quota", method: post, path: asg, body: `{"name":"g","desiredCapacity":6000}`, status: 400, msg: "Container instances per cluster"},
		{name: "asg maxSize 1e12", method: post, path: asg, body: `{"name":"g","maxSize":1000000000000}`, status: 400, msg: "maxSize: must be in [0,10000]"},
		{name: "asg minSize over desired", method: post, path: asg, body: `{"name":"g","minSize":5,"desiredCapacity":1}`, status: 400, msg: "minSize: must not exceed desiredCapacity"},
		{name: "asg negative joinAfter", method: post, path: asg, body: `{"name":"g","joinAfter":"-1s"}`, status: 400, msg: "joinAfter: must not be negative"},
		{name: "asg 11 instance attributes", method: post, path: asg, body: `{"name":"g","instance":{"attributes":` + attrs(11) + `}}`, status: 400, msg: "instance.attributes: at most 10 custom attributes"},
		{name: "asg negative instance cpu", method: post, path: asg, body: `{"name":"g","instance":{"cpu":-1}}`, status: 400, msg: "instance.cpu: must not be negative"},
		{name: "asg 501st group", method: post, path: asg, body: `{"name":"g"}`, status: 400, msg: "at most 500 groups",
			setup: func(t *testing.T, e *fake.ECS, _ ctlRefs) {
				for i := range 500 {
					if _, err := e.DeclareAutoScalingGroup(fake.AutoScalingGroupSpec{Name: fmt.Sprintf("g%d", i)}); err != nil {
						t.Fatal(err)
					}
				}
			}},
		{name: "asg unknown cluster", method: post, path: asg, body: `{"name":"g","cluster":"nope"}`, status: 404, msg: `cluster "nope": Cluster not found.`},
		// spot
		{name: "spot unknown cluster", method: post, path: spot, body: `{"cluster":"nope"}`, status: 404, msg: `cluster "nope": Cluster not found.`},
		{name: "spot unknown service", method: post, path: spot, body: `{"service":"nope"}`, status: 404, msg: `service "nope": Service not found.`},
		{name: "spot bad family", method: post, path: spot, body: `{"family":"web:1"}`, status: 400, msg: `family: "web:1" is not a task definition family`},
		{name: "spot fraction 2", method: post, path: spot, body: `{"fraction":2}`, status: 400, msg: "fraction: must be in [0,1]"},
		{name: "spot at as number", method: post, path: spot, body: `{"at":5}`, status: 400, msg: "at: must be an RFC 3339 time"},
		// target-health-faults
		{name: "thf unknown target group ARN", method: post, path: thf, body: `{"targetGroup":"arn:aws:elasticloadbalancing:us-east-1:` + acct + `:targetgroup/nope/0123456789abcdef"}`, status: 404, msg: "One or more target groups not found"},
		{name: "thf bad target group name", method: post, path: thf, body: `{"targetGroup":"a b"}`, status: 400, msg: `targetGroup: "a b" is not a target group name`},
		{name: "thf port 70000", method: post, path: thf, body: `{"port":70000}`, status: 400, msg: "port: must be in [0,65535]"},
		{name: "thf negative after", method: post, path: thf, body: `{"after":"-1s"}`, status: 400, msg: "after: must not be negative"},
		{name: "thf negative times", method: post, path: thf, body: `{"times":-1}`, status: 400, msg: "times: must not be negative"},
		{name: "thf huge reason", method: post, path: thf, body: big(`"reason"`), status: 400, msg: "reason: "},
		{name: "thf huge flap", method: post, path: thf, body: big(`"flap"`), status: 400, msg: "flap: "},
		{name: "thf image selector over 255 bytes", method: post, path: thf, body: `{"image":"` + rep("*", 300) + `"}`, status: 400, msg: "image: at most 255 bytes"},
		{name: "thf blank image", method: post, path: thf, body: `{"image":"  "}`, status: 400, msg: "image: blank"},
		{name: "thf 1001st fault", method: post, path: thf, body: `{"port":80}`, status: 400, msg: "at most 1000 target health faults in force",
			setup: func(t *testing.T, e *fake.ECS, _ ctlRefs) {
				for range 999 {
					if err := e.ELBv2().InjectHealthFault(fake.TargetHealthFault{Port: 81}); err != nil {
						t.Fatal(err)
					}
				}
			}},
		{name: "delete thf with a body", method: del, path: thf, body: `{"image":"web:slow"}`, status: 400, msg: `"image": unknown field`},
		// calls
		{name: "calls unknown parameter", method: get, path: calls + "?cluster=default", status: 400, msg: "cluster: unknown query parameter"},
		{name: "calls limit 1e9", method: get, path: calls + "?limit=1000000000", status: 400, msg: "limit: must be an integer in [1,1000]"},
		// reset
		{name: "reset with a body", method: post, path: reset, body: `{"keepInstances":true}`, status: 400, msg: `"keepInstances": unknown field`},
		{name: "reset with a non-JSON body", method: post, path: reset, body: `everything`, status: 400, msg: "request body"},
	}
}

// TestControlHostileInputIsRefusedAndChangesNothing sends every hostile
// control request to the fake's server: each gets its status and a
// message naming the field and the rule (at most 1 KiB), allocates a
// bounded amount, and leaves the world, faults, groups and loads as they
// were.
func TestControlHostileInputIsRefusedAndChangesNothing(t *testing.T) {
	for _, tc := range ctlHostileCases() {
		t.Run(tc.name, func(t *testing.T) {
			e, r := ctlFixture(t)
			if tc.setup != nil {
				tc.setup(t, e, r)
			}
			body := tc.body
			if strings.HasSuffix(tc.path, "lose-instance") && body == "" {
				body = `{"containerInstance":"` + r.instance + `"}`
			}
			want := ctlDump(t, e)
			srv := fake.NewServer(e)
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			a := ctlSend(t, srv, tc.method, tc.path, body)
			took := time.Since(start)
			runtime.ReadMemStats(&after)
			if a.status != tc.status || !strings.Contains(a.message, tc.msg) {
				t.Errorf("%s %s: %d %.300q, want %d with %q", tc.method, tc.path, a.status, a.message, tc.status, tc.msg)
			}
			if len(a.message) > maxControlErrorBytes {
				t.Errorf("message of %d bytes, want at most %d", len(a.message), maxControlErrorBytes)
			}
			bound := uint64(maxControlRequestAlloc)
			if raceEnabled {
				bound *= 2 // the race detector's instrumentation allocates too
			}
			if alloc := after.TotalAlloc - before.TotalAlloc; alloc > bound {
				t.Errorf("the request allocated %d MiB, want at most %d", alloc>>20, bound>>20)
			}
			if took > 5*time.Second {
				t.Errorf("the request took %v", took)
			}
			if got := ctlDump(t, e); got != want {
				t.Fatalf("state changed:\n%s", firstDiff(want, got))
			}
		})
	}
}

// TestControlInstancesPastTheQuotaAddNone: a count that would pass the
// container instance quota adds no instance at all (it used to add those
// that fit, then fail).
func TestControlInstancesPastTheQuotaAddNone(t *testing.T) {
	e := fake.New(fake.WithSeed(1), fake.WithQuotas(fake.Quotas{ContainerInstancesPerCluster: 5}))
	if _, err := e.CreateCluster(context.Background(), &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.AddInstance("default", fake.InstanceSpec{}); err != nil {
		t.Fatal(err)
	}
	want := ctlDump(t, e)
	a := ctlSend(t, fake.NewServer(e), http.MethodPost, "/_fake/v1/instances", `{"count":10}`)
	if a.status != 400 || a.code != "LimitExceededException" || !strings.Contains(a.message, "Container instances per cluster") {
		t.Errorf("count 10 over a quota of 5: %d %s %q, want 400 LimitExceededException naming the quota", a.status, a.code, a.message)
	}
	if got := ctlDump(t, e); got != want {
		t.Fatalf("state changed:\n%s", firstDiff(want, got))
	}
	// Exactly up to the quota works.
	if a := ctlSend(t, fake.NewServer(e), http.MethodPost, "/_fake/v1/instances", `{"count":4}`); a.status != 200 {
		t.Errorf("count 4 up to a quota of 5: %d %q", a.status, a.message)
	}
}

// ctlARNCase is a control naming a resource of ctlFixture: body builds
// the request around ref, and want is the answer for a resource the fake
// does not have (status, error code, message with %s for ref).
type ctlARNCase struct {
	name, path   string
	arn          func(ctlRefs) string
	unknown      func(ctlRefs) string // an ARN of our home that names nothing
	body         func(ref string) string
	status       int
	code, format string
}

func ctlARNCases() []ctlARNCase {
	cluster := func(r ctlRefs) string { return r.cluster }
	svc := func(r ctlRefs) string { return r.service }
	noCluster := func(r ctlRefs) string { return strings.TrimSuffix(r.cluster, "default") + "nope" }
	noService := func(r ctlRefs) string { return strings.TrimSuffix(r.service, "web") + "nope" }
	const (
		cnf, snf  = "ClusterNotFoundException", "ServiceNotFoundException"
		clusterNF = `cluster "%s": Cluster not found.`
		serviceNF = `service "%s": Service not found.`
	)
	return []ctlARNCase{
		{name: "lose-instance", path: "lose-instance", arn: func(r ctlRefs) string { return r.instance },
			unknown: func(r ctlRefs) string {
				return r.instance[:strings.LastIndex(r.instance, "/")+1] + strings.Repeat("0", 32)
			},
			body: func(ref string) string { return `{"containerInstance":"` + ref + `"}` }, status: 404, code: "InvalidParameterException",
			format: `containerInstance "%s": no such container instance, or it is no longer ACTIVE`},
		{name: "instances cluster", path: "instances", arn: cluster, unknown: noCluster,
			body: func(ref string) string { return `{"cluster":"` + ref + `"}` }, status: 404, code: cnf, format: clusterNF},
		{name: "load cluster", path: "load", arn: cluster, unknown: noCluster,
			body: func(ref string) string { return `{"cluster":"` + ref + `","service":"web","cpu":[{"value":50}]}` }, status: 404, code: cnf, format: clusterNF},
		{name: "load service", path: "load", arn: svc, unknown: noService,
			body: func(ref string) string { return `{"service":"` + ref + `","cpu":[{"value":50}]}` }, status: 404, code: snf, format: serviceNF},
		{name: "autoscaling-groups cluster", path: "autoscaling-groups", arn: cluster, unknown: noCluster,
			body: func(ref string) string { return `{"name":"g","cluster":"` + ref + `","desiredCapacity":1}` }, status: 404, code: cnf, format: clusterNF},
		{name: "spot cluster", path: "spot", arn: cluster, unknown: noCluster,
			body: func(ref string) string { return `{"cluster":"` + ref + `"}` }, status: 404, code: cnf, format: clusterNF},
		{name: "spot service", path: "spot", arn: svc, unknown: noService,
			body: func(ref string) string { return `{"service":"` + ref + `"}` }, status: 404, code: snf, format: serviceNF},
		{name: "target-health-faults targetGroup", path: "target-health-faults", arn: func(r ctlRefs) string { return r.targetGroup },
			unknown: func(r ctlRefs) string { return strings.Replace(r.targetGroup, "/web-tg/", "/nope/", 1) },
			body:    func(ref string) string { return `{"targetGroup":"` + ref + `","code":503}` }, status: 404, code: "TargetGroupNotFound",
			format: `targetGroup "%s": One or more target groups not found`},
	}
}

// TestControlForeignARNsNameNothing sends, over HTTP, every control that
// takes an ARN with the ARN of a fixture resource moved to another
// account, region and partition: each answers exactly what it answers for
// an unknown resource of its kind, and nothing changes.
func TestControlForeignARNsNameNothing(t *testing.T) {
	for _, tc := range ctlARNCases() {
		_, r := ctlFixture(t)
		refs := []struct{ name, ref string }{{"unknown", tc.unknown(r)}}
		for _, f := range foreignARNs {
			refs = append(refs, struct{ name, ref string }{f.name, f.to(tc.arn(r))})
		}
		for _, v := range refs {
			t.Run(tc.name+"/"+v.name, func(t *testing.T) {
				e, _ := ctlFixture(t)
				want := ctlDump(t, e)
				srv := faketest.NewServerFor(t, e)
				req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, srv.URL+"/_fake/v1/"+tc.path, strings.NewReader(tc.body(v.ref)))
				if err != nil {
					t.Fatal(err)
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				defer resp.Body.Close()
				var doc struct{ Message, Code string }
				if err := json.NewDecoder(resp.Body).Decode(&doc); err != nil {
					t.Fatal(err)
				}
				if msg := fmt.Sprintf(tc.format, v.ref); resp.StatusCode != tc.status || doc.Code != tc.code || doc.Message != msg {
					t.Errorf("%s %s: %d %s %q, want %d %s %q", tc.path, v.ref, resp.StatusCode, doc.Code, doc.Message, tc.status, tc.code, msg)
				}
				if got := ctlDump(t, e); got != want {
					t.Fatalf("state changed:\n%s", firstDiff(want, got))
				}
			})
		}
	}
}

// TestControlOwnARNsResolve is the control of the test above: with the
// fixture's own ARNs each of those controls works.
func TestControlOwnARNsResolve(t *testing.T) {
	for _, tc := range ctlARNCases() {
		t.Run(tc.name, func(t *testing.T) {
			e, r := ctlFixture(t)
			a := ctlSend(t, fake.NewServer(e), http.MethodPost, "/_fake/v1/"+tc.path, tc.body(tc.arn(r)))
			if a.status != 200 {
				t.Errorf("%s with %s: %d %q, want 200", tc.path, tc.arn(r), a.status, a.message)
			}
		})
	}
}

// TestControlLargestAcceptedRequestsCostBoundedMemory sends the largest
// requests the controls accept (1,000 instances with 10 attributes each;
// an Auto Scaling group that fills the cluster to 4,999 of its 5,000 instances; GET
// faults with the most task fault text that may be in force) and checks
// what each allocates and answers.
func TestControlLargestAcceptedRequestsCostBoundedMemory(t *testing.T) {
	e, _ := ctlFixture(t)
	srv := fake.NewServer(e)
	attrs := make([]string, 10)
	for i := range attrs {
		attrs[i] = fmt.Sprintf(`"k%d":"%s"`, i, strings.Repeat("v", 128))
	}
	line := strings.Repeat("l", 1<<20-100)
	for range 7 {
		if err := e.InjectFault(fake.Fault{Image: "web:log", Action: fake.FaultOutput, Lines: []string{line}}); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		name, method, path, body string
		maxAlloc, maxAnswer      uint64
	}{
		{"1000 instances", http.MethodPost, "/_fake/v1/instances", `{"count":1000,"attributes":{` + strings.Join(attrs, ",") + `}}`, 64 << 20, 256 << 10},
		{"group of 3998 instances (4999 in the cluster)", http.MethodPost, "/_fake/v1/autoscaling-groups", `{"name":"big","desiredCapacity":3998}`, 256 << 20, 1 << 10},
		{"faults with 8 MiB of text", http.MethodPost, "/_fake/v1/faults", `{"action":"output","lines":["` + strings.Repeat("x", 1<<20-200) + `"]}`, 16 << 20, 2 << 20},
		{"list 8 MiB of faults", http.MethodGet, "/_fake/v1/faults", ``, 64 << 20, 9 << 20},
	} {
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		req := httptest.NewRequest(tc.method, "http://ecs.local"+tc.path, strings.NewReader(tc.body))
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		took := time.Since(start)
		runtime.ReadMemStats(&after)
		alloc := after.TotalAlloc - before.TotalAlloc
		t.Logf("%s: %d, %.1f MiB allocated, %d KiB answer, %v", tc.name, rec.Code, float64(alloc)/(1<<20), rec.Body.Len()>>10, took)
		if rec.Code != 200 {
			t.Errorf("%s: %d %.300s", tc.name, rec.Code, rec.Body.String())
		}
		bound := tc.maxAlloc
		if raceEnabled {
			bound *= 2 // the race detector's instrumentation allocates too
		}
		if alloc > bound || uint64(rec.Body.Len()) > tc.maxAnswer {
			t.Errorf("%s: %d bytes allocated (bound %d), %d bytes answered (bound %d)", tc.name, alloc, bound, rec.Body.Len(), tc.maxAnswer)
		}
	}
}

// TestControlLoadAtOneInstantKeepsOne: loads set again and again at one
// virtual instant (a script hammering POST load with -speed 0) keep one
// entry per service, the last, instead of one per call.
func TestControlLoadAtOneInstantKeepsOne(t *testing.T) {
	e, r := ctlFixture(t)
	srv := fake.NewServer(e)
	for _, v := range []string{"100", "200", "300"} {
		if a := ctlSend(t, srv, http.MethodPost, "/_fake/v1/load", `{"service":"web","cpu":[{"value":`+v+`}]}`); a.status != 200 {
			t.Fatalf("load: %d %q", a.status, a.message)
		}
	}
	if st := fake.ControlStateForTest(e); !strings.Contains(st, "loads "+r.service+" 1\n") {
		t.Errorf("after 3 loads at one instant:\n%s\nwant one load entry for %s", st, r.service)
	}
	e.Advance(time.Minute)
	ctlSend(t, srv, http.MethodPost, "/_fake/v1/load", `{"service":"web","cpu":[{"value":400}]}`)
	if st := fake.ControlStateForTest(e); !strings.Contains(st, "loads "+r.service+" 2\n") {
		t.Errorf("after a load a minute later:\n%s\nwant two load entries", st)
	}
}

// TestControlSpotByServiceARN: POST spot with the service's own ARN
// interrupts its Spot tasks (the ARN used to match no task: the control
// compared it with service names, answered 200 and did nothing).
func TestControlSpotByServiceARN(t *testing.T) {
	srv := faketest.NewServer(t)
	ctx := t.Context()
	wireFargateWeb(t, srv)
	out, err := srv.Client.CreateService(ctx, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: aws.String("web"), DesiredCount: aws.Int32(5),
		NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{"subnet-1"}}}})
	if err != nil {
		t.Fatal(err)
	}
	srv.ECS.Advance(3 * time.Minute)
	if status, doc := control(t, srv, http.MethodPost, "/_fake/v1/spot", `{"service":"`+*out.Service.ServiceArn+`"}`); status != 200 {
		t.Fatalf("spot by service ARN: %d %v", status, doc)
	}
	srv.ECS.Advance(3 * time.Minute)
	if running, stopped := providerSplit(t, srv, "web"); stopped[types.TaskStopCodeSpotInterruption] != 3 || running["FARGATE_SPOT"] != 3 {
		t.Errorf("after spot by service ARN: running %v stopped %v, want the 3 Spot tasks interrupted and replaced", running, stopped)
	}
}
