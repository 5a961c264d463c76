package plan

import "testing"

func TestEventTextsMatchECS(t *testing.T) {
	tests := []struct{ got, want string }{
		{SteadyStateEvent("web"), "(service web) has reached a steady state."},
		{StartedTasksEvent("web", []string{"a1", "b2"}), "(service web) has started 2 tasks: (task a1) (task b2)."},
		{StoppedTasksEvent("web", []string{"a1"}), "(service web) has stopped 1 running tasks: (task a1)."},
		{DeploymentCompletedEvent("web", "ecs-svc/1"), "(service web) (deployment ecs-svc/1) deployment completed."},
		{DeploymentFailedEvent("web", "ecs-svc/1"), "(service web) (deployment ecs-svc/1) deployment failed: tasks failed to start."},
		{RollingBackEvent("web", "ecs-svc/1"), "(service web) rolling back to deployment ecs-svc/1."},
		{FailedHealthChecksEvent("web", "a1"), "(service web) (task a1) failed container health checks."},
		{UnableToStartConsistentlyEvent("web"), "(service web) is unable to consistently start tasks successfully."},
		{DeploymentBlockedEvent("web"), "(service web) was unable to stop or start tasks during a deployment because of the service deployment configuration. Update the minimumHealthyPercent or maximumPercent value and try again."},
		{UnableToPlaceEvent("web", "c0ffee", ResourceMemory), "(service web) was unable to place a task because no container instance met all of its requirements. The closest matching container-instance c0ffee has insufficient memory available. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."},
		{UnableToPlaceEvent("web", "c0ffee", ResourceCPU), "(service web) was unable to place a task because no container instance met all of its requirements. The closest matching container-instance c0ffee has insufficient CPU units available. For more information, see the Troubleshooting section of the Amazon ECS Developer Guide."},
		{InProgressReason("ecs-svc/1"), "ECS deployment ecs-svc/1 in progress."},
		{CompletedReason("ecs-svc/1"), "ECS deployment ecs-svc/1 completed."},
		{RollbackReason("ecs-svc/1"), "ECS deployment circuit breaker: rolling back to deploymentId ecs-svc/1."},
		{ScalingReason("ecs-svc/1"), "Scaling activity initiated by (deployment ecs-svc/1)"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got  %q\nwant %q", tc.got, tc.want)
		}
	}
}

func TestStoppedTasksEventListsThePlansStops(t *testing.T) {
	p := Compute(rollout(svc(2, 0, 200), healthy(oldID, 2), nil))
	want := StoppedTasksEvent("web", []string{p.Stops[0].TaskID, p.Stops[1].TaskID})
	if !hasEvent(p, want) {
		t.Errorf("events %q lack %q", p.Events, want)
	}
}

// TestAppendStartedTasksEventMatchesTheStrings checks the append form
// against StartedTasksEvent and ReplacedUnhealthySuffix, after whatever b
// already held.
func TestAppendStartedTasksEventMatchesTheStrings(t *testing.T) {
	ids := []string{"0123456789abcdef0123456789abcdef", "a1", "", "ffffffffffffffffffffffffffffffff"}
	for n := range len(ids) + 1 {
		for _, replaced := range []int{0, 1, n} {
			want := StartedTasksEvent("svc-x", ids[:n])
			if replaced > 0 {
				want += ReplacedUnhealthySuffix(replaced)
			}
			got := AppendStartedTasksEvent([]byte("kept|"), "svc-x", n, func(i int) string { return ids[i] }, replaced)
			if string(got) != "kept|"+want {
				t.Errorf("n=%d replaced=%d: got %q, want %q", n, replaced, got, "kept|"+want)
			}
		}
	}
}
