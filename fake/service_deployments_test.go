package fake

import (
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
)

var (
	sdARN  = regexp.MustCompile(`^arn:aws:ecs:us-east-1:123456789012:service-deployment/default/web/[A-Za-z0-9_-]{22}$`)
	revARN = regexp.MustCompile(`^arn:aws:ecs:us-east-1:123456789012:service-revision/default/web/[1-9][0-9]{18}$`)
)

// listSD lists every service deployment of service name, newest first.
func listSD(t tb, e *ECS, name string) []types.ServiceDeploymentBrief {
	t.Helper()
	out, err := e.ListServiceDeployments(bg, &ecs.ListServiceDeploymentsInput{Service: aws.String(name)})
	if err != nil {
		t.Fatalf("ListServiceDeployments(%s): %v", name, err)
	}
	return out.ServiceDeployments
}

// describeSD describes one service deployment.
func describeSD(t tb, e *ECS, arn string) types.ServiceDeployment {
	t.Helper()
	out, err := e.DescribeServiceDeployments(bg, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{arn}})
	if err != nil {
		t.Fatalf("DescribeServiceDeployments: %v", err)
	}
	if len(out.ServiceDeployments) != 1 {
		t.Fatalf("DescribeServiceDeployments(%s): failures %v", arn, reasons(out.Failures))
	}
	return out.ServiceDeployments[0]
}

// revCounts is a revision summary's requested/running/pending counts.
func revCounts(r *types.ServiceRevisionSummary) [3]int32 {
	return [3]int32{r.RequestedTaskCount, r.RunningTaskCount, r.PendingTaskCount}
}

// updateToFailingImage runs service web (desired tasks of "img:good", the
// circuit breaker on, rollback as given) on 8 instances until its rollout
// completed, then updates it to "img:bad", whose tasks fail to start. It
// returns the fake, the good task definition and the service deployments
// right after the update, newest first.
func updateToFailingImage(t *testing.T, desired int32, rollback bool) (*ECS, string, []types.ServiceDeploymentBrief) {
	t.Helper()
	e := newCluster(t, 8)
	good := register(t, e, simpleTD("web", "img:good"))
	bad := register(t, e, simpleTD("web", "img:bad"))
	if err := e.InjectFault(Fault{Image: "img:bad", Action: FaultFailStart}); err != nil {
		t.Fatal(err)
	}
	createSvc(t, e, "web", good, desired, svcOpts{min: 100, max: 200, breaker: true, rollback: rollback})
	stepUntil(t, e, 5*time.Second, 5*time.Minute, nil, func() bool { return completed(t, e, "web", good) })
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(bad)})
	return e, good, listSD(t, e, "web")
}

// A rolling deploy that succeeds: the service deployment of the create
// and of the update, their statuses, times and task counts at each step,
// the source revision of the update, and the revisions' configuration.
func TestServiceDeploymentsRollingDeploySucceeds(t *testing.T) {
	e := newCluster(t, 4)
	td1 := register(t, e, simpleTD("web", "img:1"))
	td2 := register(t, e, simpleTD("web", "img:2"))
	createSvc(t, e, "web", td1, 2, svcOpts{min: 100, max: 200, breaker: true, rollback: true})
	created := e.Now()

	list := listSD(t, e, "web")
	if len(list) != 1 || list[0].Status != types.ServiceDeploymentStatusInProgress {
		t.Fatalf("after create: %+v", list)
	}
	first := aws.ToString(list[0].ServiceDeploymentArn)
	if !sdARN.MatchString(first) || !revARN.MatchString(aws.ToString(list[0].TargetServiceRevisionArn)) {
		t.Fatalf("ARNs %s %s", first, aws.ToString(list[0].TargetServiceRevisionArn))
	}
	sd := describeSD(t, e, first)
	if !sd.CreatedAt.Equal(created) || !sd.StartedAt.Equal(created) || sd.FinishedAt != nil || sd.StoppedAt != nil {
		t.Fatalf("times: created %v started %v finished %v", sd.CreatedAt, sd.StartedAt, sd.FinishedAt)
	}
	if len(sd.SourceServiceRevisions) != 0 || revCounts(sd.TargetServiceRevision) != [3]int32{2, 0, 2} {
		t.Fatalf("at create: sources %v target %v", sd.SourceServiceRevisions, revCounts(sd.TargetServiceRevision))
	}
	if cb := sd.DeploymentCircuitBreaker; cb.Status != types.ServiceDeploymentRollbackMonitorsStatusMonitoring || cb.Threshold != 3 || cb.FailureCount != 0 {
		t.Fatalf("circuit breaker %+v", *cb)
	}
	if sd.Alarms.Status != types.ServiceDeploymentRollbackMonitorsStatusDisabled {
		t.Fatalf("alarms %+v", *sd.Alarms)
	}
	if c := sd.DeploymentConfiguration; aws.ToInt32(c.MinimumHealthyPercent) != 100 || aws.ToInt32(c.MaximumPercent) != 200 || !c.DeploymentCircuitBreaker.Rollback {
		t.Fatalf("deploymentConfiguration %+v", *c)
	}

	e.Advance(10 * time.Second) // RUNNING
	if sd := describeSD(t, e, first); sd.Status != types.ServiceDeploymentStatusInProgress || revCounts(sd.TargetServiceRevision) != [3]int32{2, 2, 0} {
		t.Fatalf("at 10 s: %s %v", sd.Status, revCounts(sd.TargetServiceRevision))
	}
	e.Advance(40 * time.Second) // healthy: COMPLETED
	sd = describeSD(t, e, first)
	if sd.Status != types.ServiceDeploymentStatusSuccessful || !sd.FinishedAt.Equal(created.Add(50*time.Second)) || sd.StatusReason != nil {
		t.Fatalf("at 50 s: %s finished %v", sd.Status, sd.FinishedAt)
	}
	if sd.DeploymentCircuitBreaker.Status != types.ServiceDeploymentRollbackMonitorsStatusMonitoringComplete {
		t.Fatalf("circuit breaker after success: %s", sd.DeploymentCircuitBreaker.Status)
	}

	updated := update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
	list = listSD(t, e, "web")
	if len(list) != 2 || aws.ToString(list[1].ServiceDeploymentArn) != first || list[0].Status != types.ServiceDeploymentStatusInProgress {
		t.Fatalf("after update (newest first): %+v", list)
	}
	second := aws.ToString(list[0].ServiceDeploymentArn)
	// UpdateService's answer names the new service deployment and the
	// revisions running, newest first.
	if got := aws.ToString(updated.CurrentServiceDeployment); got != second {
		t.Fatalf("currentServiceDeployment %s, want %s", got, second)
	}
	if cr := updated.CurrentServiceRevisions; len(cr) != 2 || aws.ToString(cr[0].Arn) != aws.ToString(list[0].TargetServiceRevisionArn) ||
		aws.ToString(cr[1].Arn) != aws.ToString(list[1].TargetServiceRevisionArn) || cr[1].RunningTaskCount != 2 || cr[0].RequestedTaskCount != 2 {
		t.Fatalf("currentServiceRevisions %+v", cr)
	}
	sd = describeSD(t, e, second)
	if len(sd.SourceServiceRevisions) != 1 || aws.ToString(sd.SourceServiceRevisions[0].Arn) != aws.ToString(list[1].TargetServiceRevisionArn) {
		t.Fatalf("sources %+v", sd.SourceServiceRevisions)
	}
	if src, tgt := revCounts(&sd.SourceServiceRevisions[0]), revCounts(sd.TargetServiceRevision); src != [3]int32{2, 2, 0} || tgt != [3]int32{2, 0, 2} {
		t.Fatalf("at update: source %v target %v", src, tgt)
	}
	stepUntil(t, e, 5*time.Second, 5*time.Minute, nil, func() bool { return completed(t, e, "web", td2) })
	sd = describeSD(t, e, second)
	if sd.Status != types.ServiceDeploymentStatusSuccessful || revCounts(sd.TargetServiceRevision) != [3]int32{2, 2, 0} {
		t.Fatalf("update done: %s target %v", sd.Status, revCounts(sd.TargetServiceRevision))
	}
	// The first one keeps the counts it finished with.
	if sd := describeSD(t, e, first); revCounts(sd.TargetServiceRevision) != [3]int32{2, 2, 0} || sd.Status != types.ServiceDeploymentStatusSuccessful {
		t.Fatalf("first after the update: %s %v", sd.Status, revCounts(sd.TargetServiceRevision))
	}

	revs, err := e.DescribeServiceRevisions(bg, &ecs.DescribeServiceRevisionsInput{ServiceRevisionArns: []string{
		aws.ToString(list[1].TargetServiceRevisionArn), aws.ToString(list[0].TargetServiceRevisionArn)}})
	if err != nil || len(revs.ServiceRevisions) != 2 {
		t.Fatalf("DescribeServiceRevisions: %v %+v", err, revs)
	}
	r1, r2 := revs.ServiceRevisions[0], revs.ServiceRevisions[1]
	if aws.ToString(r1.TaskDefinition) != td1 || aws.ToString(r2.TaskDefinition) != td2 || r1.LaunchType != types.LaunchTypeEc2 {
		t.Fatalf("revisions: %s %s %s", aws.ToString(r1.TaskDefinition), aws.ToString(r2.TaskDefinition), r1.LaunchType)
	}
	if ci := r2.ContainerImages; len(ci) != 1 || aws.ToString(ci[0].ContainerName) != "app" || aws.ToString(ci[0].Image) != "img:2" ||
		!regexp.MustCompile(`^sha256:[0-9a-f]{64}$`).MatchString(aws.ToString(ci[0].ImageDigest)) {
		t.Fatalf("container images %+v", ci)
	}
	if !r1.CreatedAt.Equal(created) {
		t.Fatalf("revision createdAt %v, want %v", r1.CreatedAt, created)
	}
}

// The circuit breaker fails a deployment and rolls back: the service
// deployment goes ROLLBACK_IN_PROGRESS with the rollback's start, reason
// and revision (the previous one: no new revision), the breaker
// TRIGGERED with its count, then ROLLBACK_SUCCESSFUL once the old
// revision runs again.
func TestServiceDeploymentsCircuitBreakerRollback(t *testing.T) {
	e, td1, list := updateToFailingImage(t, 4, true)
	arn, goodRev := aws.ToString(list[0].ServiceDeploymentArn), aws.ToString(list[1].TargetServiceRevisionArn)
	var rollingBack types.ServiceDeployment
	stepUntil(t, e, time.Second, 30*time.Minute, func() {
		sd := describeSD(t, e, arn)
		if sd.Status == types.ServiceDeploymentStatusInProgress && sd.DeploymentCircuitBreaker.FailureCount >= 3 {
			t.Fatalf("failure count %d reached the threshold while IN_PROGRESS", sd.DeploymentCircuitBreaker.FailureCount)
		}
	}, func() bool {
		rollingBack = describeSD(t, e, arn)
		return rollingBack.Status != types.ServiceDeploymentStatusInProgress
	})
	if rollingBack.Status != types.ServiceDeploymentStatusRollbackInProgress {
		t.Fatalf("after the breaker tripped: %s", rollingBack.Status)
	}
	rb := rollingBack.Rollback
	if rb == nil || aws.ToString(rb.ServiceRevisionArn) != goodRev || aws.ToString(rb.Reason) != plan.CircuitBreakerFailedReason ||
		!rb.StartedAt.Equal(e.Now()) {
		t.Fatalf("rollback %+v (now %v)", rb, e.Now())
	}
	if aws.ToString(rollingBack.StatusReason) != plan.CircuitBreakerFailedReason {
		t.Fatalf("statusReason %q", aws.ToString(rollingBack.StatusReason))
	}
	if cb := rollingBack.DeploymentCircuitBreaker; cb.Status != types.ServiceDeploymentRollbackMonitorsStatusTriggered || cb.FailureCount < 3 || cb.Threshold != 3 {
		t.Fatalf("circuit breaker %+v", *cb)
	}
	if rollingBack.FinishedAt != nil || rollingBack.StoppedAt != nil {
		t.Fatalf("finished %v stopped %v while rolling back", rollingBack.FinishedAt, rollingBack.StoppedAt)
	}
	if got := aws.ToString(rollingBack.TargetServiceRevision.Arn); got == goodRev {
		t.Fatal("the target revision changed to the rollback's")
	}
	stepUntil(t, e, time.Second, 10*time.Minute, nil, func() bool {
		return describeSD(t, e, arn).Status != types.ServiceDeploymentStatusRollbackInProgress
	})
	done := describeSD(t, e, arn)
	if done.Status != types.ServiceDeploymentStatusRollbackSuccessful || !done.FinishedAt.Equal(e.Now()) || done.StoppedAt != nil {
		t.Fatalf("rollback end: %s finished %v", done.Status, done.FinishedAt)
	}
	if !completed(t, e, "web", td1) {
		t.Fatal("ROLLBACK_SUCCESSFUL before the old revision runs")
	}
	if got := listSD(t, e, "web"); len(got) != 2 || got[1].Status != types.ServiceDeploymentStatusSuccessful {
		t.Fatalf("history %+v", got)
	}
	revs, err := e.DescribeServiceRevisions(bg, &ecs.DescribeServiceRevisionsInput{ServiceRevisionArns: []string{goodRev}})
	if err != nil || len(revs.ServiceRevisions) != 1 || aws.ToString(revs.ServiceRevisions[0].TaskDefinition) != td1 {
		t.Fatalf("rollback revision: %v %+v", err, revs)
	}
}

// Without rollback a deployment the circuit breaker fails is STOPPED, with
// stoppedAt and the breaker's reason.
func TestServiceDeploymentsBreakerWithoutRollbackStops(t *testing.T) {
	e, _, list := updateToFailingImage(t, 2, false)
	arn := aws.ToString(list[0].ServiceDeploymentArn)
	stepUntil(t, e, time.Second, 30*time.Minute, nil, func() bool {
		return describeSD(t, e, arn).Status != types.ServiceDeploymentStatusInProgress
	})
	sd := describeSD(t, e, arn)
	if sd.Status != types.ServiceDeploymentStatusStopped || sd.StoppedAt == nil || !sd.StoppedAt.Equal(e.Now()) || sd.Rollback != nil ||
		aws.ToString(sd.StatusReason) != plan.CircuitBreakerFailedReason {
		t.Fatalf("%s stopped %v rollback %+v reason %q", sd.Status, sd.StoppedAt, sd.Rollback, aws.ToString(sd.StatusReason))
	}
	if sd.DeploymentCircuitBreaker.Status != types.ServiceDeploymentRollbackMonitorsStatusTriggered {
		t.Fatalf("breaker %s", sd.DeploymentCircuitBreaker.Status)
	}
}
