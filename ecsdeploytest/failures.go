package ecsdeploytest

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"

	"github.com/ecsdeploy/ecsdeploy"
)

// checkFailed asserts err is a *DeploymentFailedError for svc and returns it.
func checkFailed(t *testing.T, err error, svc string) *ecsdeploy.DeploymentFailedError {
	t.Helper()
	var df *ecsdeploy.DeploymentFailedError
	if !errors.As(err, &df) {
		t.Fatalf("err = %v, want *DeploymentFailedError", err)
	}
	if df.Service != svc || df.DeploymentID == "" || df.Reason == "" {
		t.Errorf("DeploymentFailedError = {Service:%s Deployment:%s Reason:%q}, want service %s, an id and a reason", df.Service, df.DeploymentID, df.Reason, svc)
	}
	if len(df.StoppedTasks) == 0 {
		t.Errorf("DeploymentFailedError has no stopped tasks: %v", err)
	}
	for _, st := range df.StoppedTasks {
		if st.StoppedReason == "" {
			t.Errorf("stopped task %s has no stoppedReason", st.TaskArn)
		}
	}
	return df
}

// checkBackOn asserts the service's task definition is td.
func (s *suite) checkBackOn(t *testing.T, svc, td string) {
	t.Helper()
	st, err := s.deployer().Status(s.ctx(t), s.b.Cluster, svc)
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	if got := deref(st.Service.TaskDefinition); got != td {
		t.Errorf("service taskDefinition = %s, want the old revision %s", got, td)
	}
}

// circuitBreakerRollback: a failing image with the breaker on fails as soon
// as ECS marks it FAILED; with WithRollback the Deployer then waits for the
// breaker's rollback deployment to complete, and the error says the
// rollback COMPLETED, with that deployment's id, and the service is back on
// the old revision.
func (s *suite) circuitBreakerRollback(t *testing.T) {
	if s.b.FailingImage == nil {
		t.Skip("backend has no FailingImage hook")
	}
	svc := s.name(t, "breaker")
	old := s.newService(t, svc, 2, breakerWithRollback)
	rec := newRecorder()
	res, err := s.deployer(ecsdeploy.WithEvents(rec.add)).Deploy(s.ctx(t), ecsdeploy.DeployInput{Cluster: s.b.Cluster, Service: svc, Image: s.b.FailingImage(t)},
		ecsdeploy.WithRollback())
	df := checkFailed(t, err, svc)
	if errors.Is(err, ecsdeploy.ErrTimeout) {
		t.Errorf("breaker failure reported as a timeout: %v", err)
	}
	if !df.RollbackStarted || !df.RolledBack || df.RollbackState != types.DeploymentRolloutStateCompleted || df.RollbackDeploymentID == "" ||
		df.RollbackBy != "circuit-breaker" || df.RollbackTaskDefinition != old || df.RollbackErr != nil {
		t.Errorf("rollback started=%v completed=%v (deployment %q %s, err %v) by %q to %s, want completed by circuit-breaker to %s",
			df.RollbackStarted, df.RolledBack, df.RollbackDeploymentID, df.RollbackState, df.RollbackErr, df.RollbackBy, df.RollbackTaskDefinition, old)
	}
	if !strings.Contains(err.Error(), "rolled back") || !strings.Contains(err.Error(), "rollback COMPLETED") {
		t.Errorf("error %q does not say it rolled back", err)
	}
	if df.DeploymentID != res.DeploymentID || df.TaskDefinition != res.TaskDefinitionArn {
		t.Errorf("error names deployment %s/%s, Deploy started %s/%s", df.DeploymentID, df.TaskDefinition, res.DeploymentID, res.TaskDefinitionArn)
	}
	// ECS may drop a failed deployment without tasks from the list before a
	// poll sees it FAILED; then its service event reports the failure.
	if !rec.deploymentReached(df.DeploymentID, types.DeploymentRolloutStateFailed) && !rec.serviceEventSays("(deployment "+df.DeploymentID+") deployment failed") {
		t.Errorf("progress never showed deployment %s failing (no FAILED DeploymentEvent, no failure event):\n%s", df.DeploymentID, rec.buf.String())
	}
	if !strings.Contains(df.Reason, "failed") {
		t.Errorf("Reason = %q, want ECS's failure reason", df.Reason)
	}
	stoppedEvents := 0
	for _, e := range rec.events {
		if _, ok := e.(*ecsdeploy.TaskStoppedEvent); ok {
			stoppedEvents++
		}
	}
	if stoppedEvents != len(df.StoppedTasks) {
		t.Errorf("%d TaskStoppedEvents for %d stopped tasks", stoppedEvents, len(df.StoppedTasks))
	}
	rec.checkNoRepeats(t)
	s.checkBackOn(t, svc, old)
	st, err := s.deployer().Wait(s.ctx(t), s.b.Cluster, svc)
	if err != nil {
		t.Fatalf("Wait after rollback: %v", err)
	}
	s.checkSteady(t, st, old, 2)
}

// deployerRollbackWithoutBreaker: no breaker, a failing image, and
// WithRollback: the wait times out, the Deployer rolls back to the last
// COMPLETED revision and deregisters the failed one.
func (s *suite) deployerRollback(t *testing.T) {
	if s.b.FailingImage == nil {
		t.Skip("backend has no FailingImage hook")
	}
	svc := s.name(t, "rollback")
	old := s.newService(t, svc, 2, noBreaker)
	d := s.deployer(ecsdeploy.WithTimeout(s.b.FailureTimeout))
	res, err := d.Deploy(s.ctx(t), ecsdeploy.DeployInput{Cluster: s.b.Cluster, Service: svc, Image: s.b.FailingImage(t)},
		ecsdeploy.WithRollback(), ecsdeploy.WithDeregisterFailed())
	df := checkFailed(t, err, svc)
	if !errors.Is(err, ecsdeploy.ErrTimeout) {
		t.Errorf("err = %v, want it to wrap ErrTimeout (no breaker: the wait timed out)", err)
	}
	if !df.RollbackStarted || !df.RolledBack || df.RollbackState != types.DeploymentRolloutStateCompleted ||
		df.RollbackBy != "deployer" || df.RollbackTaskDefinition != old || df.RollbackErr != nil {
		t.Errorf("RolledBack=%v by %q to %s (err %v), want rolled back by deployer to %s", df.RolledBack, df.RollbackBy, df.RollbackTaskDefinition, df.RollbackErr, old)
	}
	s.checkBackOn(t, svc, old)
	if got := s.describeTD(t, res.TaskDefinitionArn).Status; got != types.TaskDefinitionStatusInactive {
		t.Errorf("failed revision %s status = %s, want INACTIVE (deregistered)", res.TaskDefinitionArn, got)
	}
}

// breakerFailsFast: a breaker without ECS rollback marks the deployment
// FAILED; Deploy returns then, well before its timeout, with ECS's reason,
// not rolled back (the service stays on the failed revision), and Rollback
// on demand returns it to the last COMPLETED revision.
func (s *suite) breakerFailsFast(t *testing.T) {
	if s.b.FailingImage == nil {
		t.Skip("backend has no FailingImage hook")
	}
	svc := s.name(t, "failfast")
	old := s.newService(t, svc, 1, breakerWithoutRollback)
	d := s.deployer()
	start := s.b.Clock.Now()
	res, err := d.Deploy(s.ctx(t), ecsdeploy.DeployInput{Cluster: s.b.Cluster, Service: svc, Image: s.b.FailingImage(t)})
	df := checkFailed(t, err, svc)
	if errors.Is(err, ecsdeploy.ErrTimeout) || s.elapsed(start) >= s.b.Timeout {
		t.Errorf("Deploy returned after %s with %v, want fast on rolloutState FAILED", s.elapsed(start), err)
	}
	if df.RolledBack || !strings.Contains(df.Reason, "circuit breaker") {
		t.Errorf("RolledBack=%v reason %q, want not rolled back with ECS's circuit breaker reason", df.RolledBack, df.Reason)
	}
	s.checkBackOn(t, svc, res.TaskDefinitionArn)
	rb, err := d.Rollback(s.ctx(t), ecsdeploy.RollbackInput{Cluster: s.b.Cluster, Service: svc})
	if err != nil {
		t.Fatalf("Rollback: %v", err)
	}
	if rb.TaskDefinitionArn != old {
		t.Errorf("Rollback went to %s, want the last COMPLETED %s", rb.TaskDefinitionArn, old)
	}
	s.checkSteady(t, rb.Status, old, 1)
}

// timeout: without breaker or rollback, the wait ends at its deadline with
// a *WaitError wrapping ErrTimeout that carries the last status seen; the
// service is left as it is, and Rollback on demand restores the old revision.
func (s *suite) timeout(t *testing.T) {
	if s.b.FailingImage == nil {
		t.Skip("backend has no FailingImage hook")
	}
	svc := s.name(t, "timeout")
	old := s.newService(t, svc, 1, noBreaker)
	d := s.deployer(ecsdeploy.WithTimeout(s.b.FailureTimeout))
	start := s.b.Clock.Now()
	res, err := d.Deploy(s.ctx(t), ecsdeploy.DeployInput{Cluster: s.b.Cluster, Service: svc, Image: s.b.FailingImage(t)})
	waited := s.elapsed(start)
	if !errors.Is(err, ecsdeploy.ErrTimeout) {
		t.Fatalf("err = %v, want ErrTimeout", err)
	}
	var we *ecsdeploy.WaitError
	if !errors.As(err, &we) {
		t.Fatalf("err = %v, want a *WaitError", err)
	}
	if we.Last == nil || we.Last.Deployment == nil || deref(we.Last.Deployment.Id) != res.DeploymentID {
		t.Errorf("WaitError.Last = %v, want the last status of deployment %s", we.Last, res.DeploymentID)
	}
	if waited < s.b.FailureTimeout || waited > s.b.FailureTimeout+2*s.b.PollInterval {
		t.Errorf("Deploy returned after %s, want about the %s timeout", waited, s.b.FailureTimeout)
	}
	if df := checkFailed(t, err, svc); df.RolledBack {
		t.Errorf("RolledBack = true without breaker or WithRollback")
	}
	rb, err := d.Rollback(s.ctx(t), ecsdeploy.RollbackInput{Cluster: s.b.Cluster, Service: svc}, ecsdeploy.WithTimeout(s.b.Timeout))
	if err != nil {
		t.Fatalf("Rollback: %v", err)
	}
	if rb.TaskDefinitionArn != old {
		t.Errorf("Rollback went to %s, want %s", rb.TaskDefinitionArn, old)
	}
	s.checkSteady(t, rb.Status, old, 1)
}

// contextCancel: cancelling ctx mid-wait returns at once with a
// *WaitError wrapping context.Canceled and the last status seen.
func (s *suite) contextCancel(t *testing.T) {
	svc := s.name(t, "cancel")
	s.newService(t, svc, 1, noBreaker)
	ctx, cancel := context.WithCancel(s.ctx(t))
	defer cancel()
	updated := false
	onEvent := func(e ecsdeploy.Event) {
		if a, ok := e.(*ecsdeploy.ActionEvent); ok && strings.HasPrefix(a.Message, "updated service") {
			updated = true
			return
		}
		if updated {
			cancel() // the first event a poll produced
		}
	}
	_, err := s.deployer(ecsdeploy.WithEvents(onEvent)).Deploy(ctx, ecsdeploy.DeployInput{Cluster: s.b.Cluster, Service: svc, Image: s.b.OtherImage})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	var we *ecsdeploy.WaitError
	if !errors.As(err, &we) || we.Last == nil {
		t.Errorf("err = %v, want a *WaitError with the last status", err)
	}
}

// notFound: missing cluster, service and task definition map to the
// sentinels, with the API error reachable.
func (s *suite) notFound(t *testing.T) {
	d := s.deployer()
	ctx := s.ctx(t)
	_, err := d.Status(ctx, s.b.Cluster, s.name(t, "no-such-service"))
	if !errors.Is(err, ecsdeploy.ErrServiceNotFound) {
		t.Errorf("Status(missing service): err = %v, want ErrServiceNotFound", err)
	}
	_, err = d.Deploy(ctx, ecsdeploy.DeployInput{Cluster: s.b.Cluster, Service: s.name(t, "no-such-service"), Image: s.b.Image})
	var nf *ecsdeploy.NotFoundError
	if !errors.Is(err, ecsdeploy.ErrServiceNotFound) || !errors.As(err, &nf) || nf.Name != s.name(t, "no-such-service") {
		t.Errorf("Deploy(missing service): err = %v, want a *NotFoundError naming the service", err)
	}
	_, err = d.Status(ctx, s.name(t, "no-such-cluster"), "x")
	var ae smithy.APIError
	if !errors.Is(err, ecsdeploy.ErrClusterNotFound) || !errors.As(err, &ae) || ae.ErrorCode() != "ClusterNotFoundException" {
		t.Errorf("Status(missing cluster): err = %v, want ErrClusterNotFound wrapping ClusterNotFoundException", err)
	}
	run := s.runInput(s.name(t, "no-such-family") + ":1")
	_, err = d.RunTask(ctx, run)
	if !errors.Is(err, ecsdeploy.ErrTaskDefinitionNotFound) || !errors.As(err, &ae) {
		t.Errorf("RunTask(missing task definition): err = %v, want ErrTaskDefinitionNotFound wrapping the API error", err)
	}
	var ve *ecsdeploy.ValidationError
	_, err = d.Register(ctx, s.taskDef("", s.b.Image, nil))
	if !errors.As(err, &ve) || ve.Field != "family" {
		t.Errorf("Register(no family): err = %v, want *ValidationError on family", err)
	}
}

// transient: throttling and server errors from DescribeServices, before
// and during the wait, are ridden out; the deployment still completes.
func (s *suite) transient(t *testing.T) {
	if s.b.FailOperation == nil {
		t.Skip("backend has no FailOperation hook")
	}
	svc := s.name(t, "throttled")
	s.newService(t, svc, 1, noBreaker)
	s.b.FailOperation(t, "DescribeServices", "ThrottlingException", 2)
	rec := newRecorder()
	d := s.deployer(ecsdeploy.WithEvents(func(e ecsdeploy.Event) {
		rec.add(e)
		if a, ok := e.(*ecsdeploy.ActionEvent); ok && strings.HasPrefix(a.Message, "updated service") {
			s.b.FailOperation(t, "DescribeServices", "ServerException", 2)
		}
	}))
	res, err := d.Deploy(s.ctx(t), ecsdeploy.DeployInput{Cluster: s.b.Cluster, Service: svc, Image: s.b.OtherImage})
	if err != nil {
		t.Fatalf("Deploy with transient errors: %v", err)
	}
	s.checkSteady(t, res.Status, res.TaskDefinitionArn, 1)
}
