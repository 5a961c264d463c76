package ecsdeploytest

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy"
)

// createServiceCase: CreateService waits until the first deployment is
// COMPLETED with every desired task running.
func (s *suite) createServiceCase(t *testing.T) {
	svc := s.name(t, "create")
	s.newService(t, svc, 2, noBreaker)
	if n := len(s.runningTasks(t, svc)); n != 2 {
		t.Errorf("service runs %d tasks, want 2", n)
	}
}

// deployNewImage: Deploy with only a new image registers one revision,
// updates the service, waits for OUR deployment to be COMPLETED, reports
// events once each, and uses the API sparingly.
func (s *suite) deployNewImage(t *testing.T) {
	svc := s.name(t, "image")
	old := s.newService(t, svc, 2, breakerWithRollback)
	rec := newRecorder()
	d := s.deployer(ecsdeploy.WithEvents(rec.add))
	before, start := s.calls(), s.b.Clock.Now()
	res, err := d.Deploy(s.ctx(t), ecsdeploy.DeployInput{Cluster: s.b.Cluster, Service: svc, Container: "app", Image: s.b.OtherImage})
	if err != nil {
		t.Fatalf("Deploy: %v\n%s", err, rec.buf.String())
	}
	took := s.elapsed(start)
	if !res.Registered || res.TaskDefinitionArn == old || res.DeploymentID == "" || res.Diff == "" {
		t.Errorf("result = {Registered:%v TD:%s Deployment:%s Diff:%q}, want a new revision and deployment", res.Registered, res.TaskDefinitionArn, res.DeploymentID, res.Diff)
	}
	s.checkSteady(t, res.Status, res.TaskDefinitionArn, 2)
	if res.Status.Deployment != nil && deref(res.Status.Deployment.Id) != res.DeploymentID {
		t.Errorf("completed deployment %s, want ours %s", deref(res.Status.Deployment.Id), res.DeploymentID)
	}
	if got := deref(s.describeTD(t, res.TaskDefinitionArn).ContainerDefinitions[0].Image); got != s.b.OtherImage {
		t.Errorf("new revision image = %s, want %s", got, s.b.OtherImage)
	}
	if !rec.deploymentReached(res.DeploymentID, types.DeploymentRolloutStateCompleted) {
		t.Errorf("no DeploymentEvent for %s reached COMPLETED; events:\n%s", res.DeploymentID, rec.buf.String())
	}
	rec.checkNoRepeats(t)
	if before != nil {
		after := s.calls()
		polls := int(took/s.b.PollInterval) + 1
		for op, want := range map[string]int{"RegisterTaskDefinition": 1, "UpdateService": 1, "DescribeTasks": 0} {
			if n := delta(before, after, op); n != want {
				t.Errorf("API economy: %d %s calls, want %d", n, op, want)
			}
		}
		// One DescribeServices per poll, plus the read before the update.
		if n := delta(before, after, "DescribeServices"); n > polls+1 {
			t.Errorf("API economy: %d DescribeServices calls for %s at %s polls, want <= %d", n, took, s.b.PollInterval, polls+1)
		}
	}
}

// deployFullTaskDefinition: Deploy with a whole task definition.
func (s *suite) deployFullTaskDefinition(t *testing.T) {
	svc := s.name(t, "full")
	old := s.newService(t, svc, 1, noBreaker)
	in := s.taskDef(svc, s.b.Image, nil)
	in.ContainerDefinitions[0].Environment = []types.KeyValuePair{{Name: ptr("MODE"), Value: ptr("prod")}}
	res, err := s.deployer().Deploy(s.ctx(t), ecsdeploy.DeployInput{Cluster: s.b.Cluster, Service: svc, TaskDefinition: in})
	if err != nil {
		t.Fatalf("Deploy: %v", err)
	}
	if !res.Registered || res.TaskDefinitionArn == old {
		t.Errorf("Deploy registered=%v td=%s, want a new revision after %s", res.Registered, res.TaskDefinitionArn, old)
	}
	s.checkSteady(t, res.Status, res.TaskDefinitionArn, 1)
}

// deployUnchanged: deploying what runs already changes nothing: no
// register, no update.
func (s *suite) deployUnchanged(t *testing.T) {
	svc := s.name(t, "same")
	old := s.newService(t, svc, 1, noBreaker)
	before := s.calls()
	res, err := s.deployer().Deploy(s.ctx(t), ecsdeploy.DeployInput{Cluster: s.b.Cluster, Service: svc, Image: s.b.Image})
	if err != nil {
		t.Fatalf("Deploy: %v", err)
	}
	if !res.NoChange || res.Registered || res.TaskDefinitionArn != old || res.DeploymentID != "" {
		t.Errorf("result = %+v, want NoChange on %s", res, old)
	}
	if before != nil {
		after := s.calls()
		if delta(before, after, "UpdateService")+delta(before, after, "RegisterTaskDefinition") != 0 {
			t.Error("an unchanged Deploy called UpdateService or RegisterTaskDefinition")
		}
	}
}

// forceNewDeployment: a new deployment of the same revision replaces the tasks.
func (s *suite) forceNewDeployment(t *testing.T) {
	svc := s.name(t, "force")
	td := s.newService(t, svc, 2, noBreaker)
	tasksBefore := s.runningTasks(t, svc)
	st, err := s.deployer().Status(s.ctx(t), s.b.Cluster, svc)
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	oldID := deref(st.Deployment.Id)
	res, err := s.deployer().Deploy(s.ctx(t), ecsdeploy.DeployInput{Cluster: s.b.Cluster, Service: svc, ForceNewDeployment: true})
	if err != nil {
		t.Fatalf("Deploy(force): %v", err)
	}
	if res.Registered || res.TaskDefinitionArn != td || res.DeploymentID == "" || res.DeploymentID == oldID {
		t.Errorf("result = {Registered:%v TD:%s Deployment:%s}, want a new deployment of %s (old %s)", res.Registered, res.TaskDefinitionArn, res.DeploymentID, td, oldID)
	}
	s.checkSteady(t, res.Status, td, 2)
	for _, a := range s.runningTasks(t, svc) {
		for _, b := range tasksBefore {
			if a == b {
				t.Errorf("task %s survived a forced new deployment", a)
			}
		}
	}
}

// scale: desiredCount changes start no deployment; the service runs the new count.
func (s *suite) scale(t *testing.T) {
	svc := s.name(t, "scale")
	td := s.newService(t, svc, 1, noBreaker)
	d := s.deployer()
	for _, n := range []int32{3, 1} {
		st, err := d.Scale(s.ctx(t), s.b.Cluster, svc, n)
		if err != nil {
			t.Fatalf("Scale(%d): %v", n, err)
		}
		s.checkSteady(t, st, td, n)
		if got := len(s.runningTasks(t, svc)); got != int(n) {
			t.Errorf("after Scale(%d) %d tasks desired RUNNING", n, got)
		}
	}
}

// deleteService: scale to 0, wait, delete; afterwards the service is
// INACTIVE or not found.
func (s *suite) deleteService(t *testing.T) {
	svc := s.name(t, "delete")
	s.newService(t, svc, 2, noBreaker)
	d := s.deployer()
	if err := d.DeleteService(s.ctx(t), s.b.Cluster, svc); err != nil {
		t.Fatalf("DeleteService: %v", err)
	}
	st, err := d.Status(s.ctx(t), s.b.Cluster, svc)
	switch {
	case errors.Is(err, ecsdeploy.ErrServiceNotFound):
	case err != nil:
		t.Fatalf("Status after delete: %v", err)
	case deref(st.Service.Status) != "INACTIVE":
		t.Errorf("status after delete = %s, want INACTIVE", deref(st.Service.Status))
	}
	_, err = d.Deploy(s.ctx(t), ecsdeploy.DeployInput{Cluster: s.b.Cluster, Service: svc, ForceNewDeployment: true})
	if !errors.Is(err, ecsdeploy.ErrServiceNotFound) || !strings.Contains(err.Error(), svc) {
		t.Errorf("Deploy to deleted service: err = %v, want ErrServiceNotFound naming %s", err, svc)
	}
}
