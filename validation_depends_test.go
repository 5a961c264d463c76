package ecsdeploy

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// withContainers returns an EC2 task definition with n containers c0..cn-1,
// where container i depends on each container deps(i) names.
func withContainers(n int, deps func(i int) []int) *ecs.RegisterTaskDefinitionInput {
	in := &ecs.RegisterTaskDefinitionInput{Family: aws.String("graph")}
	for i := range n {
		cd := types.ContainerDefinition{Name: aws.String(fmt.Sprintf("c%d", i)), Image: aws.String("busybox"), Memory: aws.Int32(8)}
		for _, j := range deps(i) {
			cd.DependsOn = append(cd.DependsOn, types.ContainerDependency{ContainerName: aws.String(fmt.Sprintf("c%d", j)), Condition: types.ContainerConditionStart})
		}
		in.ContainerDefinitions = append(in.ContainerDefinitions, cd)
	}
	return in
}

func TestDependsOnCycleReportedOnce(t *testing.T) {
	in := withContainers(4, func(i int) []int {
		switch i {
		case 0:
			return []int{3}
		case 3:
			return []int{2}
		case 2:
			return []int{0}
		}
		return nil
	})
	var cycles []*ValidationError
	for _, ve := range problemList(t, ValidateTaskDefinitionInput(in)) {
		if ve.Rule[:min(len(ve.Rule), 16)] == "dependency cycle" {
			cycles = append(cycles, ve)
		}
	}
	if len(cycles) != 1 || cycles[0].Field != "containerDefinitions[0].dependsOn" || cycles[0].Rule != "dependency cycle: c0 -> c3 -> c2 -> c0" {
		t.Errorf("cycles = %v", cycles)
	}
	acyclic := withContainers(5, func(i int) []int {
		if i == 0 {
			return nil
		}
		return []int{i - 1, 0}
	})
	if err := ValidateTaskDefinitionInput(acyclic); err != nil {
		t.Errorf("acyclic graph: %v", err)
	}
}

// BenchmarkValidateDenseDependsOn validates a task whose 200 containers
// each depend on all others: the cycle check must stay linear in edges.
func BenchmarkValidateDenseDependsOn(b *testing.B) {
	in := withContainers(200, func(i int) []int {
		all := make([]int, 0, 199)
		for j := range 200 {
			if j != i {
				all = append(all, j)
			}
		}
		return all
	})
	b.ResetTimer()
	for b.Loop() {
		_ = ValidateTaskDefinitionInput(in)
	}
	b.ReportMetric(float64(200*199)/(float64(b.Elapsed().Nanoseconds())/float64(b.N))*1e3, "edges/µs")
}

// BenchmarkValidateSeed validates the seed task definition.
func BenchmarkValidateSeed(b *testing.B) {
	in, err := seedTaskDefinition().Build()
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		if err := ValidateTaskDefinitionInput(in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "validations/s")
}
