package fake

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// checkGroupCounts fails unless c's group counts, per instance and per AZ,
// are those of the tasks placed on its instances (every task of the test
// is placed) and no group without tasks keeps a number.
func checkGroupCounts(t *testing.T, e *ECS, c *cluster) {
	t.Helper()
	e.mu.Lock()
	defer e.mu.Unlock()
	perAZ := map[[2]string]int{}
	for _, in := range c.instances {
		perInst := map[string]int{}
		for _, tk := range in.tasks {
			perInst[tk.group]++
			perAZ[[2]string{tk.group, in.az()}]++
		}
		for gid, n := range in.groupN {
			if name := c.groups[gid].name; int(n) != perInst[name] {
				t.Fatalf("instance %s: %d tasks of group %q counted, %d placed", in.id, n, name, perInst[name])
			}
			delete(perInst, c.groups[gid].name)
		}
		for name, n := range perInst {
			if n > 0 {
				t.Fatalf("instance %s: %d tasks of group %q placed, none counted", in.id, n, name)
			}
		}
	}
	groups := map[string]bool{}
	for key, n := range perAZ {
		groups[key[0]] = true
		if got := c.inAZNamed(c.groupID(key[0]), key[1]); got != n {
			t.Fatalf("group %q in %s: %d counted, %d placed", key[0], key[1], got, n)
		}
	}
	if len(c.groupIDs) != len(groups) {
		t.Fatalf("%d groups numbered (%v), %d with tasks", len(c.groupIDs), c.groupIDs, len(groups))
	}
}

// The group counts follow tasks placed and stopped, and a group's number
// is reused once its last task stopped: tasks run under ever new group
// names leave a table no larger than the groups live at once.
func TestGroupCountsFollowTasks(t *testing.T) {
	e := newCluster(t, 6)
	c := e.clusters["default"]
	td := register(t, e, tdWith("g", 16, aws.Int32(16), nil))
	for round := range 4 {
		var arns []*string
		for g := range 5 {
			out := run(t, e, &ecs.RunTaskInput{TaskDefinition: &td, Count: aws.Int32(int32(3 + g)),
				Group: aws.String(fmt.Sprintf("round%d-group%d", round, g))})
			for _, tk := range out.Tasks {
				arns = append(arns, tk.TaskArn)
			}
		}
		checkGroupCounts(t, e, c)
		for i, arn := range arns {
			if i%2 == 0 {
				if _, err := e.StopTask(bg, &ecs.StopTaskInput{Task: arn}); err != nil {
					t.Fatal(err)
				}
			}
		}
		e.Advance(time.Minute)
		checkGroupCounts(t, e, c)
		for _, arn := range arns {
			if _, err := e.StopTask(bg, &ecs.StopTaskInput{Task: arn}); err != nil {
				t.Fatal(err)
			}
		}
		e.Advance(time.Minute)
		checkGroupCounts(t, e, c)
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(c.groupIDs) != 0 || len(c.groups) > 5 {
		t.Fatalf("after every task stopped: %d groups numbered, a table of %d (want 0, at most the 5 live at once)", len(c.groupIDs), len(c.groups))
	}
}

// A group that leaves the table is forgotten by the look-up's memo too:
// its name no longer finds the number another group now holds.
func TestGroupNumberReuseForgetsTheName(t *testing.T) {
	var g groupTable
	a := g.internGroup("a")
	g.addToAZ(a, g.azID("az1"))
	g.takeFromAZ(a, g.azID("az1"))
	if id := g.groupID("a"); id != -1 {
		t.Fatalf("a found as %d after its last task left", id)
	}
	b := g.internGroup("b")
	if b != a {
		t.Fatalf("b got number %d, want %d (a's, reused)", b, a)
	}
	if id := g.groupID("a"); id != -1 {
		t.Fatalf("a still found as %d after it left", id)
	}
	if n := g.inAZ(g.groupID("b"), g.azID("az1")); n != 0 {
		t.Fatalf("b starts with %d tasks counted in az1", n)
	}
}
