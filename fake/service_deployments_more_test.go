package fake

import (
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/google/go-cmp/cmp"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
)

// StopServiceDeployment ROLLBACK on a deployment nothing detects as
// failing (the image runs, rollback not configured): ROLLBACK_REQUESTED,
// then ROLLBACK_IN_PROGRESS at the same instant once the scheduler plans,
// then ROLLBACK_SUCCESSFUL with the previous revision running; the
// deployment shows FAILED in DescribeServices and the service says it is
// rolling back.
func TestStopServiceDeploymentRollsBack(t *testing.T) {
	e := newCluster(t, 4)
	td1 := register(t, e, simpleTD("web", "img:1"))
	td2 := register(t, e, simpleTD("web", "img:2"))
	created := createSvc(t, e, "web", td1, 2, svcOpts{min: 100, max: 200})
	goodID := aws.ToString(created.Deployments[0].Id)
	stepUntil(t, e, 5*time.Second, 5*time.Minute, nil, func() bool { return completed(t, e, "web", td1) })
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
	e.Advance(20 * time.Second) // the new tasks run, not yet healthy
	list := listSD(t, e, "web")
	arn, goodRev := list[0].ServiceDeploymentArn, aws.ToString(list[1].TargetServiceRevisionArn)

	_, err := e.StopServiceDeployment(bg, &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: arn, StopType: types.StopServiceDeploymentStopTypeAbort})
	apiErr(t, err, "InvalidParameterException", "stopType: ABORT is not supported for a service that uses the rolling update (ECS) deployment controller; use ROLLBACK.")
	_, err = e.StopServiceDeployment(bg, &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: list[1].ServiceDeploymentArn})
	apiErr(t, err, "ConflictException", "")
	_, err = e.StopServiceDeployment(bg, &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: aws.String(aws.ToString(arn) + "x")})
	apiErr(t, err, "ServiceDeploymentNotFoundException", "Service deployment not found.")

	stopAt := e.Now()
	out, err := e.StopServiceDeployment(bg, &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: arn, StopType: types.StopServiceDeploymentStopTypeRollback})
	if err != nil || aws.ToString(out.ServiceDeploymentArn) != aws.ToString(arn) {
		t.Fatalf("StopServiceDeployment: %v %+v", err, out)
	}
	e.mu.Lock()
	st := e.services[serviceKey{e.clusters["default"], "web"}].history.deps[1].status
	e.mu.Unlock()
	if st != types.ServiceDeploymentStatusRollbackRequested {
		t.Fatalf("right after the call: %s, want ROLLBACK_REQUESTED", st)
	}
	sd := describeSD(t, e, aws.ToString(arn)) // the scheduler has planned at this instant
	if sd.Status != types.ServiceDeploymentStatusRollbackInProgress || sd.Rollback == nil ||
		aws.ToString(sd.Rollback.ServiceRevisionArn) != goodRev || !sd.Rollback.StartedAt.Equal(stopAt) ||
		aws.ToString(sd.Rollback.Reason) != sdStopRollbackReason {
		t.Fatalf("after stop: %s %+v", sd.Status, sd.Rollback)
	}
	// Stopping again continues the rollback.
	if _, err := e.StopServiceDeployment(bg, &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: arn}); err != nil {
		t.Fatalf("second stop: %v", err)
	}
	s := svc(t, e, "web")
	if p := primaryOf(t, s); aws.ToString(p.Id) != goodID || p.RolloutState != types.DeploymentRolloutStateInProgress {
		t.Fatalf("PRIMARY %s %s, want %s IN_PROGRESS", aws.ToString(p.Id), p.RolloutState, goodID)
	}
	if countEvents(s, plan.RollingBackEvent("web", goodID)) != 1 {
		t.Fatalf("events %q", eventTexts(s))
	}
	stopped := 0
	for _, d := range s.Deployments {
		if aws.ToString(d.TaskDefinition) == td2 {
			stopped++
			if d.RolloutState != types.DeploymentRolloutStateFailed || aws.ToString(d.Status) != "ACTIVE" {
				t.Fatalf("stopped deployment %s %s", aws.ToString(d.Status), d.RolloutState)
			}
		}
	}
	if stopped != 1 {
		t.Fatalf("%d deployments of %s, want the stopped one still ACTIVE", stopped, td2)
	}
	stepUntil(t, e, 5*time.Second, 10*time.Minute, nil, func() bool { return completed(t, e, "web", td1) })
	if sd := describeSD(t, e, aws.ToString(arn)); sd.Status != types.ServiceDeploymentStatusRollbackSuccessful || sd.FinishedAt == nil {
		t.Fatalf("end: %s", sd.Status)
	}
	_, err = e.StopServiceDeployment(bg, &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: arn})
	apiErr(t, err, "ConflictException", "The service deployment is ROLLBACK_SUCCESSFUL and cannot be stopped: only a service deployment that has not finished can be stopped.")
}

// The first deployment of a service has nothing to roll back to.
func TestStopServiceDeploymentWithoutEarlierRevision(t *testing.T) {
	e := newCluster(t, 2)
	td := register(t, e, simpleTD("web", "img:1"))
	createSvc(t, e, "web", td, 1, svcOpts{min: 100, max: 200})
	arn := listSD(t, e, "web")[0].ServiceDeploymentArn
	_, err := e.StopServiceDeployment(bg, &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: arn})
	apiErr(t, err, "ConflictException", "The service has no earlier successful service revision to roll back to.")
	if sd := describeSD(t, e, aws.ToString(arn)); sd.Status != types.ServiceDeploymentStatusInProgress {
		t.Fatalf("refused stop changed the status: %s", sd.Status)
	}
}

// A deployment replaced by a newer one before it finished is STOPPED; the
// newer one lists both running revisions as its sources.
func TestServiceDeploymentReplacedIsStopped(t *testing.T) {
	e := newCluster(t, 4)
	td1 := register(t, e, simpleTD("web", "img:1"))
	td2 := register(t, e, simpleTD("web", "img:2"))
	td3 := register(t, e, simpleTD("web", "img:3"))
	createSvc(t, e, "web", td1, 2, svcOpts{min: 100, max: 200})
	stepUntil(t, e, 5*time.Second, 5*time.Minute, nil, func() bool { return completed(t, e, "web", td1) })
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
	e.Advance(10 * time.Second)
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td3)})
	list := listSD(t, e, "web")
	if len(list) != 3 || list[1].Status != types.ServiceDeploymentStatusStopped || aws.ToString(list[1].StatusReason) != sdSupersededReason {
		t.Fatalf("history %+v", list)
	}
	replaced := describeSD(t, e, aws.ToString(list[1].ServiceDeploymentArn))
	if replaced.StoppedAt == nil || !replaced.StoppedAt.Equal(e.Now()) || revCounts(replaced.TargetServiceRevision) != [3]int32{2, 2, 0} {
		t.Fatalf("replaced: stopped %v target %v", replaced.StoppedAt, revCounts(replaced.TargetServiceRevision))
	}
	newest := describeSD(t, e, aws.ToString(list[0].ServiceDeploymentArn))
	var srcs []string
	for _, r := range newest.SourceServiceRevisions {
		srcs = append(srcs, aws.ToString(r.Arn))
	}
	want := []string{aws.ToString(list[2].TargetServiceRevisionArn), aws.ToString(list[1].TargetServiceRevisionArn)}
	if !slices.Equal(srcs, want) {
		t.Fatalf("sources %v, want %v", srcs, want)
	}
	stepUntil(t, e, 5*time.Second, 10*time.Minute, nil, func() bool { return completed(t, e, "web", td3) })
	if sd := describeSD(t, e, aws.ToString(list[0].ServiceDeploymentArn)); sd.Status != types.ServiceDeploymentStatusSuccessful {
		t.Fatalf("newest: %s", sd.Status)
	}
}

// ListServiceDeployments filters by status and createdAt and pages newest
// first; bad input and unknown resources are ECS's typed errors.
func TestListServiceDeploymentsFiltersPagesAndErrors(t *testing.T) {
	e := newCluster(t, 2)
	var tds []string
	for i := range 5 {
		tds = append(tds, register(t, e, simpleTD("web", fmt.Sprintf("img:%d", i))))
	}
	createSvc(t, e, "web", tds[0], 1, svcOpts{min: 100, max: 200})
	var times []time.Time
	times = append(times, e.Now())
	for _, td := range tds[1:] {
		stepUntil(t, e, 5*time.Second, 5*time.Minute, nil, func() bool {
			return svc(t, e, "web").Deployments[0].RolloutState == types.DeploymentRolloutStateCompleted
		})
		e.Advance(time.Minute)
		update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td)})
		times = append(times, e.Now())
	}
	all := listSD(t, e, "web")
	if len(all) != 5 {
		t.Fatalf("%d service deployments", len(all))
	}
	for i, b := range all {
		if !b.CreatedAt.Equal(times[4-i]) {
			t.Fatalf("item %d created %v, want %v (newest first)", i, b.CreatedAt, times[4-i])
		}
	}
	var paged []string
	var tok *string
	for pages := 0; ; pages++ {
		out, err := e.ListServiceDeployments(bg, &ecs.ListServiceDeploymentsInput{Service: aws.String("web"), MaxResults: aws.Int32(2), NextToken: tok})
		if err != nil || pages > 3 {
			t.Fatalf("page %d: %v", pages, err)
		}
		for _, b := range out.ServiceDeployments {
			paged = append(paged, aws.ToString(b.ServiceDeploymentArn))
		}
		if tok = out.NextToken; tok == nil {
			break
		}
	}
	var want []string
	for _, b := range all {
		want = append(want, aws.ToString(b.ServiceDeploymentArn))
	}
	if !slices.Equal(paged, want) {
		t.Fatalf("paged %v, want %v", paged, want)
	}
	out, err := e.ListServiceDeployments(bg, &ecs.ListServiceDeploymentsInput{Service: aws.String("web"),
		Status: []types.ServiceDeploymentStatus{types.ServiceDeploymentStatusInProgress}})
	if err != nil || len(out.ServiceDeployments) != 1 || aws.ToString(out.ServiceDeployments[0].ServiceDeploymentArn) != want[0] {
		t.Fatalf("IN_PROGRESS: %v %+v", err, out)
	}
	out, err = e.ListServiceDeployments(bg, &ecs.ListServiceDeploymentsInput{Service: svc(t, e, "web").ServiceArn, // by ARN
		CreatedAt: &types.CreatedAt{After: aws.Time(times[1]), Before: aws.Time(times[4])}})
	if err != nil || len(out.ServiceDeployments) != 2 || aws.ToString(out.ServiceDeployments[0].ServiceDeploymentArn) != want[1] {
		t.Fatalf("createdAt (times[1], times[4]): %v %+v", err, out)
	}
	for _, c := range []struct {
		in   *ecs.ListServiceDeploymentsInput
		code string
	}{
		{&ecs.ListServiceDeploymentsInput{}, "InvalidParameterException"},
		{&ecs.ListServiceDeploymentsInput{Service: aws.String("nope")}, "ServiceNotFoundException"},
		{&ecs.ListServiceDeploymentsInput{Service: aws.String("web"), Cluster: aws.String("nope")}, "ClusterNotFoundException"},
		{&ecs.ListServiceDeploymentsInput{Service: aws.String("web"), MaxResults: aws.Int32(101)}, "InvalidParameterException"},
		{&ecs.ListServiceDeploymentsInput{Service: aws.String("web"), NextToken: aws.String("bogus")}, "InvalidParameterException"},
		{&ecs.ListServiceDeploymentsInput{Service: aws.String("web"), Status: []types.ServiceDeploymentStatus{"DONE"}}, "InvalidParameterException"},
	} {
		_, err := e.ListServiceDeployments(bg, c.in)
		apiErr(t, err, c.code, "")
	}
	_, err = e.DescribeServiceDeployments(bg, &ecs.DescribeServiceDeploymentsInput{})
	apiErr(t, err, "InvalidParameterException", "serviceDeploymentArns: must contain between 1 and 20 items, got 0.")
	_, err = e.DescribeServiceDeployments(bg, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{"web"}})
	apiErr(t, err, "InvalidParameterException",
		"serviceDeploymentArns: web is not a service deployment ARN (arn:aws:ecs:region:account:service-deployment/cluster/service/id).")
	_, err = e.DescribeServiceRevisions(bg, &ecs.DescribeServiceRevisionsInput{ServiceRevisionArns: []string{want[0]}})
	apiErr(t, err, "InvalidParameterException",
		"serviceRevisionArns: "+want[0]+" is not a service revision ARN (arn:aws:ecs:region:account:service-revision/cluster/service/id).")
	_, err = e.StopServiceDeployment(bg, &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: aws.String("web")})
	apiErr(t, err, "InvalidParameterException",
		"serviceDeploymentArn: web is not a service deployment ARN (arn:aws:ecs:region:account:service-deployment/cluster/service/id).")
	_, err = e.DescribeServiceDeployments(bg, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{
		"arn:aws:ecs:us-east-1:123456789012:service-deployment/nope/web/abc"}})
	apiErr(t, err, "ClusterNotFoundException", "Cluster not found.")
	d, err := e.DescribeServiceDeployments(bg, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{
		"arn:aws:ecs:us-east-1:123456789012:service-deployment/default/nope/abc", want[0]}})
	if err != nil || len(d.ServiceDeployments) != 1 || !slices.Equal(reasons(d.Failures), []string{"MISSING"}) {
		t.Fatalf("unknown service: %v %+v", err, d)
	}
	r, err := e.DescribeServiceRevisions(bg, &ecs.DescribeServiceRevisionsInput{ServiceRevisionArns: []string{
		"arn:aws:ecs:us-east-1:123456789012:service-revision/default/web/1234567890123456789"}})
	if err != nil || len(r.ServiceRevisions) != 0 || !slices.Equal(reasons(r.Failures), []string{"MISSING"}) {
		t.Fatalf("unknown revision: %v %+v", err, r)
	}
}

// ECS keeps 90 days of service deployments, and deletes them with the
// service.
func TestServiceDeploymentsRetentionAndDelete(t *testing.T) {
	e := newCluster(t, 2)
	td1 := register(t, e, simpleTD("web", "img:1"))
	td2 := register(t, e, simpleTD("web", "img:2"))
	createSvc(t, e, "web", td1, 1, svcOpts{min: 100, max: 200})
	first := listSD(t, e, "web")[0]
	e.Advance(89 * 24 * time.Hour)
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
	if n := len(listSD(t, e, "web")); n != 2 {
		t.Fatalf("at 89 days: %d", n)
	}
	e.Advance(2 * 24 * time.Hour)
	list := listSD(t, e, "web")
	if len(list) != 1 || list[0].ServiceDeploymentArn == first.ServiceDeploymentArn {
		t.Fatalf("at 91 days: %+v", list)
	}
	d, err := e.DescribeServiceDeployments(bg, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{aws.ToString(first.ServiceDeploymentArn)}})
	if err != nil || len(d.ServiceDeployments) != 0 || len(d.Failures) != 1 {
		t.Fatalf("91-day-old one: %v %+v", err, d)
	}
	if _, err := e.DeleteService(bg, &ecs.DeleteServiceInput{Service: aws.String("web"), Force: aws.Bool(true)}); err != nil {
		t.Fatal(err)
	}
	if n := len(listSD(t, e, "web")); n != 0 {
		t.Fatalf("after DeleteService: %d", n)
	}
	d, err = e.DescribeServiceDeployments(bg, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{aws.ToString(list[0].ServiceDeploymentArn)}})
	if err != nil || !slices.Equal(reasons(d.Failures), []string{"MISSING"}) {
		t.Fatalf("after DeleteService: %v %+v", err, d)
	}
}

// The history is bounded: at most maxServiceDeployments per service (the
// oldest finished ones go), and the revisions nothing names go with them.
func TestServiceDeploymentsBounded(t *testing.T) {
	e := newCluster(t, 1)
	td := register(t, e, simpleTD("web", "img:1"))
	createSvc(t, e, "web", td, 0, svcOpts{min: 100, max: 200})
	first := listSD(t, e, "web")[0]
	for range maxServiceDeployments + 10 {
		e.Advance(time.Second)
		update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), ForceNewDeployment: true})
	}
	e.mu.Lock()
	h := e.services[serviceKey{e.clusters["default"], "web"}].history
	e.mu.Unlock()
	if len(h.deps) != maxServiceDeployments || len(h.revs) > maxServiceDeployments+2 {
		t.Fatalf("kept %d service deployments and %d revisions", len(h.deps), len(h.revs))
	}
	d, err := e.DescribeServiceDeployments(bg, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{aws.ToString(first.ServiceDeploymentArn)}})
	if err != nil || !slices.Equal(reasons(d.Failures), []string{"MISSING"}) {
		t.Fatalf("oldest: %v %+v", err, d)
	}
}

// A deployment alarm that fails the deployment shows as TRIGGERED with its
// name, and the rollback as ROLLBACK_SUCCESSFUL.
func TestServiceDeploymentsAlarmRollback(t *testing.T) {
	e, v1, v2 := alarmedService(t, true)
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(v2)})
	arn := aws.ToString(listSD(t, e, "web")[0].ServiceDeploymentArn)
	if al := describeSD(t, e, arn).Alarms; al.Status != types.ServiceDeploymentRollbackMonitorsStatusMonitoring || !slices.Equal(al.AlarmNames, []string{"errors"}) {
		t.Fatalf("alarms while deploying: %+v", *al)
	}
	e.Advance(10 * time.Second)
	publishErrors(t, e, 50)
	stepUntil(t, e, time.Second, 3*time.Minute, nil, func() bool { return describeSD(t, e, arn).Status != types.ServiceDeploymentStatusInProgress })
	sd := describeSD(t, e, arn)
	if sd.Status != types.ServiceDeploymentStatusRollbackInProgress || sd.Alarms.Status != types.ServiceDeploymentRollbackMonitorsStatusTriggered ||
		!slices.Equal(sd.Alarms.TriggeredAlarmNames, []string{"errors"}) || aws.ToString(sd.Rollback.Reason) != plan.AlarmFailedReason("errors") {
		t.Fatalf("after the alarm: %s %+v %+v", sd.Status, *sd.Alarms, sd.Rollback)
	}
	stepUntil(t, e, 10*time.Second, 10*time.Minute, nil, func() bool { return completed(t, e, "web", v1) })
	if sd := describeSD(t, e, arn); sd.Status != types.ServiceDeploymentStatusRollbackSuccessful {
		t.Fatalf("end: %s", sd.Status)
	}
}

// Snapshot and Restore rebuild the history exactly (it is derived from the
// journaled calls, StopServiceDeployment among them).
func TestServiceDeploymentsSurviveSnapshot(t *testing.T) {
	e := newCluster(t, 4, WithSnapshots())
	td1 := register(t, e, simpleTD("web", "img:1"))
	td2 := register(t, e, simpleTD("web", "img:2"))
	createSvc(t, e, "web", td1, 2, svcOpts{min: 100, max: 200, breaker: true})
	stepUntil(t, e, 5*time.Second, 5*time.Minute, nil, func() bool { return completed(t, e, "web", td1) })
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(td2)})
	e.Advance(15 * time.Second)
	arn := listSD(t, e, "web")[0].ServiceDeploymentArn
	if _, err := e.StopServiceDeployment(bg, &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: arn}); err != nil {
		t.Fatal(err)
	}
	e.Advance(5 * time.Second)
	view := func(x *ECS) (*ecs.ListServiceDeploymentsOutput, *ecs.DescribeServiceDeploymentsOutput) {
		l, err := x.ListServiceDeployments(bg, &ecs.ListServiceDeploymentsInput{Service: aws.String("web")})
		if err != nil {
			t.Fatal(err)
		}
		var arns []string
		for _, b := range l.ServiceDeployments {
			arns = append(arns, aws.ToString(b.ServiceDeploymentArn))
		}
		d, err := x.DescribeServiceDeployments(bg, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: arns})
		if err != nil {
			t.Fatal(err)
		}
		return l, d
	}
	l1, d1 := view(e)
	b := restoredCopy(t, e)
	l2, d2 := view(b)
	opt := cmp.Exporter(func(reflect.Type) bool { return true })
	if diff := cmp.Diff(l1, l2, opt); diff != "" {
		t.Fatalf("ListServiceDeployments after Restore (-saved +restored):\n%s", diff)
	}
	if diff := cmp.Diff(d1, d2, opt); diff != "" {
		t.Fatalf("DescribeServiceDeployments after Restore (-saved +restored):\n%s", diff)
	}
	if d1.ServiceDeployments[0].Status != types.ServiceDeploymentStatusRollbackInProgress {
		t.Fatalf("saved while %s, want ROLLBACK_IN_PROGRESS", d1.ServiceDeployments[0].Status)
	}
}

// A revision records the configuration its deployment deploys: on a
// capacity provider strategy, no launch type, the strategy, Fargate's
// platform version and family, the network configuration; an update of
// the network configuration and strategy makes a revision with the new
// values and leaves the first unchanged, even when a caller changes what
// it was given.
func TestServiceRevisionRecordsConfiguration(t *testing.T) {
	e := spotCluster(t, nil)
	td := register(t, e, fargateTD("web", "img:1"))
	createSpotSvc(t, e, "web", td, 2, acceptStrategy, 100, 200)
	first := aws.ToString(listSD(t, e, "web")[0].TargetServiceRevisionArn)
	nc2 := &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{"subnet-2"}}}
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), NetworkConfiguration: nc2, ForceNewDeployment: true,
		CapacityProviderStrategy: []types.CapacityProviderStrategyItem{cpItem("FARGATE", 0, 1)}})
	second := aws.ToString(listSD(t, e, "web")[0].TargetServiceRevisionArn)
	get := func(arn string) types.ServiceRevision {
		out, err := e.DescribeServiceRevisions(bg, &ecs.DescribeServiceRevisionsInput{ServiceRevisionArns: []string{arn}})
		if err != nil || len(out.ServiceRevisions) != 1 {
			t.Fatalf("DescribeServiceRevisions(%s): %v %+v", arn, err, out)
		}
		return out.ServiceRevisions[0]
	}
	r1 := get(first)
	if r1.LaunchType != "" || len(r1.CapacityProviderStrategy) != 2 || aws.ToString(r1.PlatformVersion) != "LATEST" ||
		aws.ToString(r1.PlatformFamily) != "Linux" || !slices.Equal(r1.NetworkConfiguration.AwsvpcConfiguration.Subnets, []string{"subnet-1"}) ||
		r1.ServiceConnectConfiguration == nil || r1.ServiceConnectConfiguration.Enabled {
		t.Fatalf("first revision %+v", r1)
	}
	r1.NetworkConfiguration.AwsvpcConfiguration.Subnets[0] = "changed by the caller"
	r2 := get(second)
	if len(r2.CapacityProviderStrategy) != 1 || !slices.Equal(r2.NetworkConfiguration.AwsvpcConfiguration.Subnets, []string{"subnet-2"}) {
		t.Fatalf("second revision %+v", r2)
	}
	if again := get(first); !slices.Equal(again.NetworkConfiguration.AwsvpcConfiguration.Subnets, []string{"subnet-1"}) || len(again.CapacityProviderStrategy) != 2 {
		t.Fatalf("first revision changed: %+v", again)
	}
}
