package ecsdeploy

import (
	"errors"
	"fmt"
	"math"
	"runtime"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// problemsOf returns the ValidationErrors inside err.
func problemsOf(t *testing.T, err error) []*ValidationError {
	t.Helper()
	var out []*ValidationError
	for _, e := range unjoin(err) {
		var ve *ValidationError
		if !errors.As(e, &ve) {
			t.Fatalf("%T in the joined error, want *ValidationError", e)
		}
		out = append(out, ve)
	}
	return out
}

// allocated returns the fewest bytes f allocates in three runs (TotalAlloc
// deltas): the first run also builds per-type caches, once per process,
// and other goroutines may allocate during any one run. No GC is needed
// first (ReadMemStats flushes the per-P counts); one would scan the
// test's whole input (under -race, ~1 s for 349,000 containers).
func allocated(f func()) uint64 {
	least := uint64(math.MaxUint64)
	for range 3 {
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		f()
		runtime.ReadMemStats(&m1)
		least = min(least, m1.TotalAlloc-m0.TotalAlloc)
	}
	return least
}

// The 10-container quota (Amazon ECS service quotas: "Containers per task
// definition", 10) is one problem however many containers a request holds:
// containers past it are not examined. Before, 349,000 empty containers
// gave ~1 million problems and a 93.5 MB answer.
func TestValidationStopsAtTheContainerQuota(t *testing.T) {
	in := &ecs.RegisterTaskDefinitionInput{Family: aws.String("x"),
		ContainerDefinitions: make([]types.ContainerDefinition, 349_000)}
	var err error
	alloc := allocated(func() { err = ValidateTaskDefinitionInput(in) })
	ps := problemsOf(t, err)
	if len(ps) > MaxReportedProblems+1 {
		t.Fatalf("%d problems, want at most %d", len(ps), MaxReportedProblems+1)
	}
	if ps[0].Field != "containerDefinitions" || !strings.Contains(ps[0].Rule, "at most 10 containers") || !strings.Contains(ps[0].Rule, "got 349000") {
		t.Errorf("first problem = %v, want the container quota", ps[0])
	}
	for _, p := range ps[1:] {
		var i int
		if _, err := fmt.Sscanf(p.Field, "containerDefinitions[%d]", &i); err == nil && i >= MaxContainersPerTaskDefinition {
			t.Errorf("problem %v about a container past the quota", p)
		}
	}
	// The request itself is ~220 MB of structs; validating it must cost a
	// small, fixed amount on top: the problems' text, not the containers
	// (before: 22.8 MB, the whole JSON for the size check and a cycle-check
	// slot per container; now ~8 KiB).
	if alloc > 32<<10 {
		t.Errorf("validation allocated %d KiB, want < 32 KiB", alloc>>10)
	}
	t.Logf("%d problems, %d KB of text, %.1f KiB allocated", len(ps), len(err.Error())>>10, float64(alloc)/(1<<10))
}

// Named containers past the quota are not indexed either: 349,000 of
// them cost validation a bounded allocation (before: a name index of all
// of them, ~30 MB), and a reference from an examined container to one of
// them is not reported as naming no container (it may), nor does a
// container depending on container 0 trip the self-dependency rule.
func TestValidationDoesNotIndexContainersPastTheQuota(t *testing.T) {
	in := &ecs.RegisterTaskDefinitionInput{Family: aws.String("x"),
		ContainerDefinitions: make([]types.ContainerDefinition, 349_000)}
	for i := range in.ContainerDefinitions {
		in.ContainerDefinitions[i].Name = aws.String(fmt.Sprintf("c%d", i))
		in.ContainerDefinitions[i].Image = aws.String("nginx")
		in.ContainerDefinitions[i].Memory = aws.Int32(64)
	}
	c0 := &in.ContainerDefinitions[0]
	c0.Links = []string{"c200000"}
	c0.DependsOn = []types.ContainerDependency{{ContainerName: aws.String("c300000"), Condition: types.ContainerConditionStart}}
	c0.VolumesFrom = []types.VolumeFrom{{SourceContainer: aws.String("c100000")}}
	var err error
	alloc := allocated(func() { err = ValidateTaskDefinitionInput(in) })
	ps := problemsOf(t, err)
	if ps[0].Field != "containerDefinitions" || !strings.Contains(ps[0].Rule, "got 349000") {
		t.Errorf("first problem = %v, want the container quota", ps[0])
	}
	for _, p := range ps[1:] {
		if strings.HasPrefix(p.Field, "containerDefinitions[0].") {
			t.Errorf("problem %v about a reference past the quota", p)
		}
	}
	// The 10 examined containers' own rules cost 3 KiB, up to ~110 KiB
	// under -race, where sync.Pool drops the image regexp's state.
	if alloc > 256<<10 {
		t.Errorf("validation allocated %d KiB, want < 256 KiB", alloc>>10)
	}
	t.Logf("%d problems, %.1f KiB allocated", len(ps), float64(alloc)/(1<<10))
}

// Past MaxReportedProblems problems, one last problem counts the rest.
func TestValidationCapsReportedProblems(t *testing.T) {
	in := validEC2()
	for i := range 200 {
		in.ContainerDefinitions[0].Ulimits = append(in.ContainerDefinitions[0].Ulimits,
			types.Ulimit{Name: "bogus", SoftLimit: int32(i + 2), HardLimit: 1})
	}
	ps := problemsOf(t, ValidateTaskDefinitionInput(in))
	if len(ps) != MaxReportedProblems+1 {
		t.Fatalf("%d problems, want %d", len(ps), MaxReportedProblems+1)
	}
	last := ps[len(ps)-1]
	if last.Field != "taskDefinition" || last.Rule != "350 more problems not listed (at most 50 are reported)" {
		t.Errorf("last problem = %v, want the count of the 350 others", last)
	}
	if ps[0].Field != "containerDefinitions[0].ulimits[0].name" {
		t.Errorf("first problem = %v, want ulimits[0].name", ps[0])
	}
	// Services count theirs under "service".
	svc := &ecs.CreateServiceInput{ServiceName: aws.String("s"), TaskDefinition: aws.String("web:1")}
	for range 100 {
		svc.PlacementStrategy = append(svc.PlacementStrategy, types.PlacementStrategy{Type: "bogus"})
	}
	sp := problemsOf(t, ValidateServiceInput(svc, nil))
	if last := sp[len(sp)-1]; len(sp) != MaxReportedProblems+1 || last.Field != "service" || !strings.HasSuffix(last.Rule, "more problems not listed (at most 50 are reported)") {
		t.Errorf("service: %d problems, last %v", len(sp), last)
	}
}

// Invalid UTF-8 past the cap is counted without building field paths.
func TestValidationCountsUTF8ProblemsPastTheCap(t *testing.T) {
	in := validEC2()
	for range 120 {
		in.ContainerDefinitions[0].Command = append(in.ContainerDefinitions[0].Command, "\xff")
	}
	ps := problemsOf(t, ValidateTaskDefinitionInput(in))
	if last := ps[len(ps)-1]; last.Rule != "70 more problems not listed (at most 50 are reported)" {
		t.Errorf("last = %v, want 70 more", last)
	}
}

// No problem echoes unbounded input: fields and rules are cut, the cut
// marked with the bytes left out.
func TestValidationNeverEchoesUnboundedInput(t *testing.T) {
	long := strings.Repeat("a", 500_000)
	in := validEC2()
	in.ContainerDefinitions[0].Links = []string{long}
	in.ContainerDefinitions[0].HealthCheck = &types.HealthCheck{Command: []string{long}}
	in.Tags = []types.Tag{{Key: aws.String("k")}, {Key: aws.String("k")}, {Key: aws.String(long)}}
	err := ValidateTaskDefinitionInput(in)
	if len(err.Error()) > 8<<10 {
		t.Fatalf("error text is %d bytes, want < 8 KiB", len(err.Error()))
	}
	var cut bool
	for _, p := range problemsOf(t, err) {
		if len(p.Rule) > maxRuleBytes || len(p.Field) > maxFieldBytes {
			t.Errorf("problem of %d+%d bytes", len(p.Field), len(p.Rule))
		}
		cut = cut || strings.Contains(p.Rule, "more bytes)")
	}
	if !cut {
		t.Errorf("no rule marks a cut: %v", err)
	}
}
