package chaos

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake"
)

const blueTG, greenTG = "arn:tg/blue", "arn:tg/green"

// bgSnap is service b (desired 2, one deployment in state rs) with 2
// RUNNING tasks of its PRIMARY deployment whose targets, in group tg, are
// healthy, and the traffic view v.
func bgSnap(rs types.DeploymentRolloutState, tg string, v BlueGreenView) Snapshot {
	svc := service("b", 2, 2, 0, 100, 200, rs)
	svc.DeploymentConfiguration.Strategy = types.DeploymentStrategyBlueGreen
	ts := tasks("b", 2, "RUNNING", "RUNNING")
	var lb []fake.LoadBalancedTask
	for i := range ts {
		ts[i].StartedBy = aws.String("ecs-svc/1")
		lb = append(lb, fake.LoadBalancedTask{TaskArn: aws.ToString(ts[i].TaskArn), Service: "b", LastStatus: "RUNNING", CountedHealthy: true,
			Targets: []fake.TaskTarget{{TargetGroupArn: tg, ID: "i-1", Port: int32(49153 + i), State: "healthy", EverHealthy: true}}})
	}
	v.Service, v.Groups = "b", [2]string{blueTG, greenTG}
	if v.Test == nil {
		v.Test = v.Production
	}
	return Snapshot{Now: t0.Add(time.Minute), Services: []types.Service{svc}, Tasks: ts, LoadBalanced: lb, BlueGreen: []BlueGreenView{v}}
}

// sd is a service deployment in stage st with status status.
func sd(st types.ServiceDeploymentLifecycleStage, status types.ServiceDeploymentStatus) *types.ServiceDeployment {
	return &types.ServiceDeployment{ServiceDeploymentArn: aws.String("arn:sd/1"), LifecycleStage: st, Status: status}
}

// Each blue/green invariant passes a snapshot ECS could show and fails one
// it could not.
func TestCheckBlueGreenInvariants(t *testing.T) {
	onBlue := map[string]int32{blueTG: 100, greenTG: 0}
	onGreen := map[string]int32{blueTG: 0, greenTG: 100}
	canary := map[string]int32{blueTG: 900, greenTG: 100}
	inProgress, completed := types.DeploymentRolloutStateInProgress, types.DeploymentRolloutStateCompleted
	tests := map[string]struct {
		snap Snapshot
		want string
	}{
		"steady on blue":            {bgSnap(completed, blueTG, BlueGreenView{Production: onBlue}), ""},
		"steady on green":           {bgSnap(completed, greenTG, BlueGreenView{Production: onGreen, Deployment: sd(types.ServiceDeploymentLifecycleStageCleanUp, types.ServiceDeploymentStatusSuccessful)}), ""},
		"rule to a foreign group":   {bgSnap(completed, blueTG, BlueGreenView{Production: map[string]int32{blueTG: 100, "arn:tg/other": 0}, Test: onBlue}), "bg-rule"},
		"rule forwarding nothing":   {bgSnap(inProgress, blueTG, BlueGreenView{Production: map[string]int32{blueTG: 0, greenTG: 0}, Test: onBlue}), "bg-rule"},
		"weight above ELB's 999":    {bgSnap(inProgress, blueTG, BlueGreenView{Production: map[string]int32{blueTG: 1000, greenTG: 0}, Test: onBlue}), "bg-rule"},
		"scale-up, green apart":     {bgSnap(inProgress, greenTG, BlueGreenView{Production: onBlue, Deployment: sd(types.ServiceDeploymentLifecycleStageScaleUp, types.ServiceDeploymentStatusInProgress)}), ""},
		"scale-up, prod on green":   {bgSnap(inProgress, greenTG, BlueGreenView{Production: onGreen, Deployment: sd(types.ServiceDeploymentLifecycleStageScaleUp, types.ServiceDeploymentStatusInProgress)}), "bg-before-shift"},
		"test shift, prod split":    {bgSnap(inProgress, greenTG, BlueGreenView{Production: canary, Test: onGreen, Deployment: sd(types.ServiceDeploymentLifecycleStageTestTrafficShift, types.ServiceDeploymentStatusInProgress)}), "bg-before-shift"},
		"canary shift, prod split":  {bgSnap(inProgress, greenTG, BlueGreenView{Production: canary, Test: onGreen, Deployment: sd(types.ServiceDeploymentLifecycleStageProductionTrafficShift, types.ServiceDeploymentStatusInProgress)}), ""},
		"rolled back to blue":       {bgSnap(completed, blueTG, BlueGreenView{Production: onBlue, Deployment: sd(types.ServiceDeploymentLifecycleStageBakeTime, types.ServiceDeploymentStatusRollbackSuccessful)}), ""},
		"rolled back, prod green":   {bgSnap(inProgress, blueTG, BlueGreenView{Production: onGreen, Deployment: sd(types.ServiceDeploymentLifecycleStageBakeTime, types.ServiceDeploymentStatusRollbackInProgress)}), "bg-rollback"},
		"rolling back, prod split":  {bgSnap(inProgress, blueTG, BlueGreenView{Production: canary, Deployment: sd(types.ServiceDeploymentLifecycleStageProductionTrafficShift, types.ServiceDeploymentStatusRollbackInProgress)}), "bg-rollback"},
		"steady, prod elsewhere":    {bgSnap(completed, greenTG, BlueGreenView{Production: onBlue}), "bg-completed"},
		"steady, prod split":        {bgSnap(completed, greenTG, BlueGreenView{Production: canary}), "bg-completed"},
		"unknown stage":             {bgSnap(inProgress, greenTG, BlueGreenView{Production: onBlue, Deployment: sd("WARM_UP", types.ServiceDeploymentStatusInProgress)}), "bg-stage-order"},
		"steady, targets unhealthy": {unhealthy(bgSnap(completed, blueTG, BlueGreenView{Production: onBlue})), ""},
	}
	for name, tc := range tests {
		t.Run(name, func(t *testing.T) {
			if got := invariants(NewChecker(t0).Check(tc.snap, Expect{})); got != tc.want {
				t.Fatalf("violations %q, want %q", got, tc.want)
			}
		})
	}
}

// unhealthy marks every target of s unhealthy.
func unhealthy(s Snapshot) Snapshot {
	for i := range s.LoadBalanced {
		for j := range s.LoadBalanced[i].Targets {
			s.LoadBalanced[i].Targets[j].State = "unhealthy"
		}
		s.LoadBalanced[i].CountedHealthy = false
	}
	return s
}

// A service deployment's lifecycleStage may only move forward; a move back
// is reported once.
func TestCheckBlueGreenStageOrder(t *testing.T) {
	c := NewChecker(t0)
	on := map[string]int32{blueTG: 100}
	step := func(st types.ServiceDeploymentLifecycleStage) string {
		snap := bgSnap(types.DeploymentRolloutStateInProgress, greenTG, BlueGreenView{Production: on, Deployment: sd(st, types.ServiceDeploymentStatusInProgress)})
		if st == types.ServiceDeploymentLifecycleStageBakeTime {
			snap = bgSnap(types.DeploymentRolloutStateInProgress, greenTG, BlueGreenView{Production: map[string]int32{greenTG: 100},
				Deployment: sd(st, types.ServiceDeploymentStatusInProgress)})
		}
		return invariants(c.Check(snap, Expect{}))
	}
	for i, st := range []types.ServiceDeploymentLifecycleStage{types.ServiceDeploymentLifecycleStageScaleUp, types.ServiceDeploymentLifecycleStageBakeTime} {
		if got := step(st); got != "" {
			t.Fatalf("step %d %s: %q", i, st, got)
		}
	}
	if got := step(types.ServiceDeploymentLifecycleStageScaleUp); got != "bg-stage-order" {
		t.Fatalf("back to SCALE_UP: %q, want bg-stage-order", got)
	}
	if got := step(types.ServiceDeploymentLifecycleStageScaleUp); got != "" {
		t.Fatalf("reported again: %q", got)
	}
}

// A blue/green service may run green at desiredCount beside blue: 200%,
// whatever maximumPercent says; one more task breaks max-percent.
func TestCheckBlueGreenMaxPercent(t *testing.T) {
	for kept, want := range map[int]string{4: "", 5: "max-percent"} {
		svc := service("b", 2, int32(kept), 0, 100, 150, types.DeploymentRolloutStateInProgress)
		svc.DeploymentConfiguration.Strategy = types.DeploymentStrategyBlueGreen
		s := Snapshot{Now: t0, Services: []types.Service{svc}, Tasks: tasks("b", kept, "RUNNING", "RUNNING")}
		if got := invariants(NewChecker(t0).Check(s, Expect{})); got != want {
			t.Errorf("%d tasks of desired 2: %q, want %q", kept, got, want)
		}
	}
}
