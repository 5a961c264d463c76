package ecsdeploy

import (
	"bytes"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/internal/awsjson"
)

// checkProblems fails unless every problem in err is a *ValidationError
// naming both its field and its rule.
func checkProblems(t *testing.T, err error) {
	t.Helper()
	for _, ve := range problemList(t, err) {
		if ve.Field == "" || ve.Rule == "" {
			t.Fatalf("problem without field or rule: %#v", ve)
		}
	}
}

// wire encodes v with the ECS wire codec, so two values can be compared
// byte for byte (the SDK structs hold unexported markers go-cmp rejects).
func wire(t *testing.T, v any) []byte {
	t.Helper()
	b, err := awsjson.Marshal(v)
	if err != nil {
		t.Fatalf("Marshal: %v", err)
	}
	return b
}

// tdArgs are the fuzzed arguments of the task definition builder.
type tdArgs struct {
	family, name, image, cpuS, memS, network, hcCmd, envName string
	cpu, mem, cport, hport, cmem, cres                       int32
	fargate                                                  bool
}

// build drives every builder call the arguments allow.
func (a tdArgs) build() *TaskDefinitionBuilder {
	b := NewTaskDefinition(a.family)
	if a.fargate {
		b.Fargate()
	} else {
		b.EC2()
	}
	if a.network != "" {
		b.NetworkMode(types.NetworkMode(a.network))
	}
	if a.cpuS != "" {
		b.CPUString(a.cpuS)
	} else if a.cpu != 0 {
		b.CPU(a.cpu)
	}
	if a.memS != "" {
		b.MemoryString(a.memS)
	} else if a.mem != 0 {
		b.Memory(a.mem)
	}
	c := NewContainer(a.name, a.image)
	if a.cmem != 0 {
		c.Memory(a.cmem)
	}
	if a.cres != 0 {
		c.MemoryReservation(a.cres)
	}
	if a.hport != 0 {
		c.HostPort(a.cport, a.hport)
	} else if a.cport != 0 {
		c.Port(a.cport)
	}
	if a.hcCmd != "" {
		c.HealthCheck("CMD-SHELL", a.hcCmd)
	}
	if a.envName != "" {
		c.Env(a.envName, "v")
	}
	return b.Container(c)
}

// FuzzTaskDefinitionBuilder checks that the task definition builder never
// panics, reports only *ValidationErrors naming field and rule, is
// deterministic and reusable (Build twice gives the same answer), and that
// whatever it accepts passes ValidateTaskDefinitionInput and survives a JSON
// round trip unchanged.
func FuzzTaskDefinitionBuilder(f *testing.F) {
	f.Add("web", "web", "nginx:1.25", "", "", "", "curl -f localhost", "MODE", int32(256), int32(512), int32(80), int32(0), int32(0), int32(0), true)
	f.Add("api", "api", "nginx", "", "", "bridge", "", "", int32(0), int32(0), int32(8080), int32(0), int32(256), int32(128), false)
	f.Add("x", "x", "", ".25 vcpu", "0.5 GB", "awsvpc", "", "A", int32(0), int32(0), int32(80), int32(81), int32(0), int32(0), true)
	f.Add("", "bad name!", "img", "1 vCPU", "2GB", "host", "", "", int32(-1), int32(-1), int32(70000), int32(-5), int32(6), int32(7), false)
	f.Fuzz(func(t *testing.T, family, name, image, cpuS, memS, network, hcCmd, envName string,
		cpu, mem, cport, hport, cmem, cres int32, fargate bool) {
		a := tdArgs{family, name, image, cpuS, memS, network, hcCmd, envName, cpu, mem, cport, hport, cmem, cres, fargate}
		b := a.build()
		out, err := b.Build()
		if (out == nil) == (err == nil) {
			t.Fatalf("want exactly one of result and error: %v %v", out, err)
		}
		again, err2 := b.Build()
		if (err == nil) != (err2 == nil) || (err != nil && err.Error() != err2.Error()) {
			t.Fatalf("Build not repeatable: %v / %v", err, err2)
		}
		if err != nil {
			checkProblems(t, err)
			return
		}
		if !bytes.Equal(wire(t, out), wire(t, again)) {
			t.Fatal("Build not repeatable: results differ")
		}
		if err := ValidateTaskDefinitionInput(out); err != nil {
			t.Fatalf("accepted definition fails validation: %v", err)
		}
		js, err := MarshalTaskDefinitionJSON(out)
		if err != nil {
			t.Fatalf("accepted definition does not marshal: %v", err)
		}
		back, err := LoadTaskDefinitionJSON(js)
		if err != nil {
			t.Fatalf("accepted definition does not load back: %v\n%s", err, js)
		}
		if d := Diff(out, back); d != "" {
			t.Fatalf("JSON round trip changed the definition:\n%s", d)
		}
	})
}

// svcArgs are the fuzzed arguments of the service builder.
type svcArgs struct {
	name, cluster, tdRef, launch, subnet, sg, tg, lbContainer, constraint, strategyField, platform string
	desired, minPct, maxPct, lbPort, grace                                                         int32
	publicIP, breaker, daemon, withTD                                                              bool
}

// build drives every service builder call the arguments allow.
func (a svcArgs) build() *ServiceBuilder {
	b := NewService(a.name)
	if a.cluster != "" {
		b.Cluster(a.cluster)
	}
	if a.withTD {
		td := validFargate()
		b.ForTaskDefinition(td)
	}
	if a.tdRef != "" {
		b.TaskDefinition(a.tdRef)
	}
	if a.daemon {
		b.Daemon()
	} else {
		b.DesiredCount(a.desired)
	}
	if a.launch != "" {
		b.LaunchType(types.LaunchType(a.launch))
	}
	if a.platform != "" {
		b.PlatformVersion(a.platform)
	}
	if a.subnet != "" || a.sg != "" {
		b.Network([]string{a.subnet}, []string{a.sg}, a.publicIP)
	}
	if a.tg != "" || a.lbContainer != "" {
		b.LoadBalancer(a.tg, a.lbContainer, a.lbPort)
	}
	if a.minPct != 0 || a.maxPct != 0 {
		b.Deployment(a.minPct, a.maxPct)
	}
	if a.breaker {
		b.CircuitBreaker(true)
	}
	if a.grace != 0 {
		b.HealthCheckGracePeriod(a.grace)
	}
	if a.constraint != "" {
		b.PlacementConstraint(types.PlacementConstraintTypeMemberOf, a.constraint)
	}
	if a.strategyField != "" {
		b.PlacementStrategy(types.PlacementStrategyTypeSpread, a.strategyField)
	}
	return b
}

// FuzzServiceBuilder checks that the service builder and
// ValidateServiceInput never panic, report only *ValidationErrors naming
// field and rule, never modify their inputs, and agree: what Build accepts
// ValidateServiceInput accepts, and its UpdateService form carries the same
// settings.
func FuzzServiceBuilder(f *testing.F) {
	f.Add("web", "prod", "web:3", "FARGATE", "subnet-1", "sg-1", "", "", "", "", "LATEST",
		int32(2), int32(50), int32(200), int32(0), int32(0), true, true, false, true)
	f.Add("web", "", "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1", "EC2", "", "", "arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/tg/0123abcd", "web", "attribute:ecs.instance-type =~ t3.*", "attribute:ecs.availability-zone", "",
		int32(4), int32(100), int32(125), int32(80), int32(30), false, false, false, false)
	f.Add("", "c", "web:0", "BOGUS", "", "sg", "tg", "", "((", "", "1.x",
		int32(-1), int32(-5), int32(7), int32(-1), int32(-1), false, true, true, true)
	f.Fuzz(func(t *testing.T, name, cluster, tdRef, launch, subnet, sg, tg, lbContainer, constraint, strategyField, platform string,
		desired, minPct, maxPct, lbPort, grace int32, publicIP, breaker, daemon, withTD bool) {
		a := svcArgs{name, cluster, tdRef, launch, subnet, sg, tg, lbContainer, constraint, strategyField, platform,
			desired, minPct, maxPct, lbPort, grace, publicIP, breaker, daemon, withTD}
		b := a.build()
		before := wire(t, b.Input())
		out, err := b.Build()
		if !bytes.Equal(before, wire(t, b.Input())) {
			t.Fatal("Build modified the builder's request")
		}
		if (out == nil) == (err == nil) {
			t.Fatalf("want exactly one of result and error: %v %v", out, err)
		}
		// ValidateServiceInput on the raw request: no panic, only
		// ValidationErrors, input untouched.
		td := validFargate()
		tdBefore := wire(t, td)
		raw := b.Input()
		verr := ValidateServiceInput(raw, td)
		checkProblems(t, verr)
		if !bytes.Equal(before, wire(t, raw)) || !bytes.Equal(tdBefore, wire(t, td)) {
			t.Fatal("ValidateServiceInput modified its inputs")
		}
		checkProblems(t, ValidateServiceInput(raw, nil))
		if err != nil {
			checkProblems(t, err)
			if _, uerr := b.UpdateInput(); uerr == nil || uerr.Error() != err.Error() {
				t.Fatalf("UpdateInput disagrees with Build: %v / %v", uerr, err)
			}
			return
		}
		var btd *ecs.RegisterTaskDefinitionInput
		if a.withTD {
			btd = validFargate()
		}
		if err := ValidateServiceInput(out, btd); err != nil {
			t.Fatalf("built request fails ValidateServiceInput: %v", err)
		}
		up, err := b.UpdateInput()
		if err != nil {
			t.Fatalf("UpdateInput rejects what Build accepts: %v", err)
		}
		if aws.ToString(up.Service) != aws.ToString(out.ServiceName) || aws.ToString(up.TaskDefinition) != aws.ToString(out.TaskDefinition) ||
			aws.ToInt32(up.DesiredCount) != aws.ToInt32(out.DesiredCount) {
			t.Fatalf("UpdateInput lost settings: %+v vs %+v", up, out)
		}
		if !bytes.Equal(wire(t, up.DeploymentConfiguration), wire(t, out.DeploymentConfiguration)) {
			t.Fatal("UpdateInput changed the deployment configuration")
		}
	})
}
