package ecsdeploytest

import (
	"strings"
	"testing"

	"github.com/ecsdeploy/ecsdeploy"
)

// planThenDeployServiceDefinition: Plan says what Deploy would do with a
// new image and a changed service definition (the service's own, as
// DescribeServices returns it, with another desired count and
// maximumPercent) and writes nothing; Deploy then applies it in one
// UpdateService, and the same input again is no change.
func (s *suite) planThenDeployServiceDefinition(t *testing.T) {
	svc := s.name(t, "plan")
	old := s.newService(t, svc, 1, noBreaker)
	d := s.deployer()
	st, err := d.Status(s.ctx(t), s.b.Cluster, svc)
	if err != nil {
		t.Fatalf("Status: %v", err)
	}
	def := ecsdeploy.CreateInput(&st.Service)
	def.DesiredCount = ptr(int32(2))
	dc := *def.DeploymentConfiguration
	dc.MaximumPercent = ptr(int32(150))
	def.DeploymentConfiguration = &dc
	in := ecsdeploy.DeployInput{Cluster: s.b.Cluster, Service: svc, Container: "app", Image: s.b.OtherImage, ServiceDefinition: def}

	before := s.calls()
	p, err := d.Plan(s.ctx(t), in)
	if err != nil {
		t.Fatalf("Plan: %v", err)
	}
	if after := s.calls(); before != nil {
		for _, op := range []string{"RegisterTaskDefinition", "UpdateService", "CreateService"} {
			if n := delta(before, after, op); n != 0 {
				t.Errorf("Plan made %d %s calls", n, op)
			}
		}
	}
	if !p.RegistersRevision || p.CurrentTaskDefinition != old || !strings.Contains(p.TaskDefinitionDiff, "containerDefinitions[app].image") ||
		!strings.Contains(p.ServiceDiff, "desiredCount: 1 -> 2") || !strings.Contains(p.ServiceDiff, "deploymentConfiguration.maximumPercent: 200 -> 150") ||
		!p.StartsDeployment || p.NoChange {
		t.Fatalf("plan:\n%s", p)
	}

	before = s.calls()
	res, err := d.Deploy(s.ctx(t), in)
	if err != nil {
		t.Fatalf("Deploy: %v", err)
	}
	if before != nil {
		if n := delta(before, s.calls(), "UpdateService"); n != 1 {
			t.Errorf("%d UpdateService calls, want 1", n)
		}
	}
	s.checkSteady(t, res.Status, res.TaskDefinitionArn, 2)
	if got := deref(res.Status.Service.DeploymentConfiguration.MaximumPercent); got != 150 {
		t.Errorf("maximumPercent %d after Deploy, want 150", got)
	}
	again, err := d.Deploy(s.ctx(t), in)
	if err != nil || !again.NoChange {
		t.Errorf("the same input again: NoChange=%v, %v", again != nil && again.NoChange, err)
	}
}
