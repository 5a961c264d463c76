package fake

import (
	"fmt"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// drawsBetween returns how many draws take a PCG from state from to state
// to, or -1 when more than limit would.
func drawsBetween(from, to rand.PCG, limit int) int {
	for n := 0; n <= limit; n++ {
		if from == to {
			return n
		}
		from.Uint64()
	}
	return -1
}

// sources returns the fake's identifier and decision sources as they are.
func sources(e *ECS) (ids, decisions rand.PCG) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return *e.ids, *e.pcg
}

// A task's identifiers cost a draw per sixteen hex digits, from the
// identifier source alone: a task with one container draws its task ID
// (2), its container's UUID (2) and, once pulled, its runtime ID (4); an
// awsvpc task its network interface's attachment UUID too (2). Drawn a hex
// digit at a time they cost 128 and 160 draws, and from the decision
// source they would move every later random decision.
func TestTaskIdentifierDraws(t *testing.T) {
	for _, c := range []struct {
		name  string
		td    *ecs.RegisterTaskDefinitionInput
		in    ecs.RunTaskInput
		draws int
	}{
		{"EC2, one container", simpleTD("ec2", "ec2:1"), ecs.RunTaskInput{}, 8},
		{"Fargate awsvpc, one container", fargateTD("fg", "fg:1"),
			ecs.RunTaskInput{LaunchType: types.LaunchTypeFargate, NetworkConfiguration: netCfg}, 10},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := clusterT(t, 1)
			c.in.TaskDefinition = aws.String(registerT(t, e, c.td))
			ids0, dec0 := sources(e)
			out := run(t, e, &c.in)
			e.Advance(time.Minute)
			tk := describe(t, e, aws.ToString(out.Tasks[0].TaskArn))
			if aws.ToString(tk.LastStatus) != "RUNNING" || aws.ToString(tk.Containers[0].RuntimeId) == "" {
				t.Fatalf("task %s, runtime ID %q: want it RUNNING with a runtime ID", aws.ToString(tk.LastStatus), aws.ToString(tk.Containers[0].RuntimeId))
			}
			ids1, dec1 := sources(e)
			if n := drawsBetween(ids0, ids1, 1000); n != c.draws {
				t.Errorf("identifier draws for one task: %d, want %d", n, c.draws)
			}
			if n := drawsBetween(dec0, dec1, 1000); n != 0 {
				t.Errorf("decision draws for one task: %d, want 0 (identifiers have a source of their own)", n)
			}
		})
	}
}

// The identifiers keep their shapes: 32 hex digits for a task ID, a UUID
// with the version 4 and variant a digits for a container, 64 hex digits
// for a runtime ID, 19 digits after ecs-svc/ for a deployment, i- and 17
// hex digits for an EC2 instance, a UUID for an awsvpc task's network
// interface attachment and eni- and 17 hex digits for its interface.
func TestIdentifierShapes(t *testing.T) {
	e := clusterT(t, 1)
	td := registerT(t, e, simpleTD("web", "web:1"))
	createSvc(t, e, "web", td, 1, svcOpts{min: 100, max: 200})
	e.Advance(time.Minute)
	tasks := e.Tasks("default")
	if len(tasks) != 1 {
		t.Fatalf("%d tasks, want 1", len(tasks))
	}
	tk := tasks[0]
	hexRun := `[0-9a-f]`
	uuid := hexRun + `{8}-` + hexRun + `{4}-4` + hexRun + `{3}-a` + hexRun + `{3}-` + hexRun + `{12}`
	for _, c := range []struct{ what, got, pattern string }{
		{"task ARN", aws.ToString(tk.TaskArn), `^arn:aws:ecs:us-east-1:123456789012:task/default/` + hexRun + `{32}$`},
		{"container ARN", aws.ToString(tk.Containers[0].ContainerArn), `^arn:aws:ecs:us-east-1:123456789012:container/default/` + hexRun + `{32}/` + uuid + `$`},
		{"runtime ID", aws.ToString(tk.Containers[0].RuntimeId), `^` + hexRun + `{64}$`},
		{"container instance ARN", aws.ToString(tk.ContainerInstanceArn), `^arn:aws:ecs:us-east-1:123456789012:container-instance/default/` + hexRun + `{32}$`},
	} {
		if !regexp.MustCompile(c.pattern).MatchString(c.got) {
			t.Errorf("%s %q does not match %s", c.what, c.got, c.pattern)
		}
	}
	out, err := e.DescribeServices(bg, &ecs.DescribeServicesInput{Services: []string{"web"}})
	if err != nil {
		t.Fatal(err)
	}
	if id := aws.ToString(out.Services[0].Deployments[0].Id); !regexp.MustCompile(`^ecs-svc/[1-9][0-9]{18}$`).MatchString(id) {
		t.Errorf("deployment ID %q, want ecs-svc/ and 19 digits", id)
	}
	if ev := aws.ToString(out.Services[0].Events[0].Id); !regexp.MustCompile(`^` + uuid + `$`).MatchString(ev) {
		t.Errorf("service event ID %q, want a UUID", ev)
	}
	ci, err := e.DescribeContainerInstances(bg, &ecs.DescribeContainerInstancesInput{ContainerInstances: []string{aws.ToString(tk.ContainerInstanceArn)}})
	if err != nil {
		t.Fatal(err)
	}
	if id := aws.ToString(ci.ContainerInstances[0].Ec2InstanceId); !regexp.MustCompile(`^i-` + hexRun + `{17}$`).MatchString(id) {
		t.Errorf("EC2 instance ID %q, want i- and 17 hex digits", id)
	}
	fg := run(t, e, &ecs.RunTaskInput{TaskDefinition: aws.String(registerT(t, e, fargateTD("fg", "fg:1"))),
		LaunchType: types.LaunchTypeFargate, NetworkConfiguration: netCfg}).Tasks[0]
	if len(fg.Attachments) != 1 {
		t.Fatalf("awsvpc task: %d attachments, want 1", len(fg.Attachments))
	}
	if id := aws.ToString(fg.Attachments[0].Id); !regexp.MustCompile(`^` + uuid + `$`).MatchString(id) {
		t.Errorf("network interface attachment ID %q, want a UUID", id)
	}
	eni := ""
	for _, d := range fg.Attachments[0].Details {
		if aws.ToString(d.Name) == "networkInterfaceId" {
			eni = aws.ToString(d.Value)
		}
	}
	if !regexp.MustCompile(`^eni-` + hexRun + `{17}$`).MatchString(eni) {
		t.Errorf("network interface ID %q, want eni- and 17 hex digits", eni)
	}
}

// appendHex and drawPackedHex give the same digits from the same state
// (a container's UUID and runtime ID are shown as hexID would draw them),
// n digits are the first n of a longer draw, and digits are drawn high
// first, sixteen per draw.
func TestHexDrawsAgree(t *testing.T) {
	e := New(WithSeed(42))
	start := *e.ids
	long := e.hexID(64)
	*e.ids = start
	var packed [32]byte
	e.drawPackedHex(packed[:])
	var shown [64]byte
	unpackHex(shown[:], packed[:])
	if string(shown[:]) != long {
		t.Errorf("drawPackedHex shows %s, appendHex drew %s", shown[:], long)
	}
	for _, n := range []int{1, 16, 17, 32} {
		*e.ids = start
		if got := e.hexID(n); got != long[:n] {
			t.Errorf("hexID(%d) = %s, want %s", n, got, long[:n])
		}
	}
	var tail [5]byte // a draw's bytes past the fifth are dropped
	*e.ids = start
	e.drawPackedHex(tail[:])
	unpackHex(shown[:10], tail[:])
	if string(shown[:10]) != long[:10] {
		t.Errorf("drawPackedHex of 5 bytes shows %s, want %s", shown[:10], long[:10])
	}
	*e.ids = start
	p := start
	if got, want := e.hexID(16), fmt.Sprintf("%016x", p.Uint64()); got != want {
		t.Errorf("hexID(16) = %s, want one draw's digits, high first: %s", got, want)
	}
}

// No digit of a drawn identifier is stuck or favoured: over 90,000
// deployment IDs each of the 19 places shows each digit within 5% of its
// share (the first 1-9, never 0; drawn as Uint64()%9e18 the first would
// show 1 about 19% too often), and over 65,536 task IDs each of the 32
// places shows each hex digit within 8% of its share. Seeded, so the
// counts are the same every run.
func TestIdentifierDigitsAreUniform(t *testing.T) {
	e := New(WithSeed(3))
	e.mu.Lock()
	defer e.mu.Unlock()
	// check draws n identifiers of places digits in base (the first place
	// from first up) and counts each place's digits.
	check := func(what string, n, places, base, first int, tol float64, draw func() string) {
		t.Helper()
		counts := make([][16]int, places)
		for range n {
			id := draw()
			if len(id) != places {
				t.Fatalf("%s %q: %d digits, want %d", what, id, len(id), places)
			}
			for i := range places {
				d := strings.IndexByte(hexDigits[:base], id[i])
				if d < 0 {
					t.Fatalf("%s %q: place %d is not a base-%d digit", what, id, i+1, base)
				}
				counts[i][d]++
			}
		}
		for i, c := range counts {
			lo := 0
			if i == 0 {
				lo = first
			}
			want := float64(n) / float64(base-lo)
			for d := range base {
				if d < lo {
					if c[d] != 0 {
						t.Errorf("%s place %d: digit %c %d times, want never", what, i+1, hexDigits[d], c[d])
					}
				} else if got := float64(c[d]); got < want*(1-tol) || got > want*(1+tol) {
					t.Errorf("%s place %d: digit %c %d times in %d, want %.0f within %.0f%%", what, i+1, hexDigits[d], c[d], n, want, tol*100)
				}
			}
		}
	}
	check("deployment ID", 90_000, 19, 10, 1, 0.05, func() string {
		id, _ := strings.CutPrefix(e.deploymentIDLocked(), "ecs-svc/")
		return id
	})
	check("task ID", 65_536, 32, 16, 0, 0.08, func() string { return e.hexID(32) })
}

// Both seeded sources come back: Restore gives them as the saved world
// had them, Reset (the reset control's call) as New left them. The
// scenario draws from each (task identifiers; eventual consistency's lag
// and random placement).
func TestSourcesRestoredAndReset(t *testing.T) {
	e := clusterT(t, 3, WithSeed(9), WithSnapshots(), WithEventualConsistency(20*time.Second))
	fresh := New(WithSeed(9))
	ids0, dec0 := sources(fresh)
	run(t, e, &ecs.RunTaskInput{TaskDefinition: aws.String(registerT(t, e, simpleTD("web", "web:1"))), Count: aws.Int32(3),
		PlacementStrategy: []types.PlacementStrategy{{Type: types.PlacementStrategyTypeRandom}}})
	e.Advance(time.Minute)
	ids1, dec1 := sources(e)
	if ids1 == ids0 || dec1 == dec0 {
		t.Fatal("the scenario drew no identifier or no decision")
	}
	if ids, dec := sources(restoredCopy(t, e)); ids != ids1 || dec != dec1 {
		t.Errorf("restored: identifier source same %v, decision source same %v; want both as saved", ids == ids1, dec == dec1)
	}
	e.Reset()
	if ids, dec := sources(e); ids != ids0 || dec != dec0 {
		t.Errorf("after Reset: identifier source fresh %v, decision source fresh %v; want both as New leaves them", ids == ids0, dec == dec0)
	}
}
