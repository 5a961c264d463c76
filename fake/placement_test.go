package fake

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func pm(container, host int32) types.PortMapping {
	return types.PortMapping{ContainerPort: aws.Int32(container), HostPort: aws.Int32(host)}
}

func tdWith(family string, cpu int32, mem, memRes *int32, ports ...types.PortMapping) *ecs.RegisterTaskDefinitionInput {
	return &ecs.RegisterTaskDefinitionInput{Family: aws.String(family), ContainerDefinitions: []types.ContainerDefinition{
		{Name: aws.String("c"), Image: aws.String("img"), Cpu: cpu, Memory: mem, MemoryReservation: memRes, PortMappings: ports}}}
}

// Tasks that cannot be placed come back in failures with ECS's reasons.
func TestPlacementFailureReasons(t *testing.T) {
	tests := []struct {
		name   string
		td     *ecs.RegisterTaskDefinitionInput
		count  int32
		cons   []types.PlacementConstraint
		placed int
		reason string
	}{
		{"RESOURCE:CPU", tdWith("cpu", 1500, aws.Int32(10), nil), 3, nil, 2, "RESOURCE:CPU"},
		{"RESOURCE:MEMORY", tdWith("mem", 0, aws.Int32(3000), nil), 3, nil, 2, "RESOURCE:MEMORY"},
		{"memoryReservation is what is reserved", tdWith("res", 0, aws.Int32(8000), aws.Int32(1000)), 8, nil, 8, ""},
		{"RESOURCE:PORTS static host port", tdWith("port", 0, aws.Int32(10), nil, pm(80, 8080)), 3, nil, 2, "RESOURCE:PORTS"},
		{"RESOURCE:PORTS reserved port 22", tdWith("ssh", 0, aws.Int32(10), nil, pm(22, 22)), 1, nil, 0, "RESOURCE:PORTS"},
		{"dynamic host ports never conflict", tdWith("dyn", 0, aws.Int32(10), nil, pm(80, 0)), 10, nil, 10, ""},
		// "API failure reasons": a memberOf no instance satisfies is its own
		// reason (ATTRIBUTE is for missing requiresAttributes).
		{"MemberOfPlacementConstraintUnsatisfied", tdWith("attr", 0, aws.Int32(10), nil), 1,
			[]types.PlacementConstraint{{Type: types.PlacementConstraintTypeMemberOf, Expression: aws.String("attribute:ecs.instance-type == m5.*")}}, 0, "MemberOf placement constraint unsatisfied."},
		{"distinctInstance", tdWith("dist", 0, aws.Int32(10), nil), 3,
			[]types.PlacementConstraint{{Type: types.PlacementConstraintTypeDistinctInstance}}, 2, "ATTRIBUTE"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newCluster(t, 2) // 2 x (2048 CPU, 4096 MiB)
			td := register(t, e, tc.td)
			out := run(t, e, &ecs.RunTaskInput{TaskDefinition: &td, Count: aws.Int32(tc.count), PlacementConstraints: tc.cons})
			if len(out.Tasks) != tc.placed {
				t.Fatalf("placed %d, want %d (failures %v)", len(out.Tasks), tc.placed, reasons(out.Failures))
			}
			for _, f := range out.Failures {
				if *f.Reason != tc.reason || aws.ToString(f.Arn) == "" {
					t.Fatalf("failure %s %s, want %s", aws.ToString(f.Arn), *f.Reason, tc.reason)
				}
			}
			if got := len(out.Failures); got != int(tc.count)-tc.placed {
				t.Fatalf("%d failures", got)
			}
		})
	}
}

func TestPlacementDynamicPortsDistinct(t *testing.T) {
	e := newCluster(t, 1)
	td := register(t, e, tdWith("dyn", 0, aws.Int32(10), nil, pm(80, 0)))
	out := run(t, e, &ecs.RunTaskInput{TaskDefinition: &td, Count: aws.Int32(5)})
	seen := map[int32]bool{}
	for _, tk := range out.Tasks {
		hp := *tk.Containers[0].NetworkBindings[0].HostPort
		if hp < 49153 || seen[hp] {
			t.Fatalf("dynamic port %d", hp)
		}
		seen[hp] = true
	}
}

func TestPlacementMemberOfExpressions(t *testing.T) {
	e := New()
	e.CreateCluster(bg, &ecs.CreateClusterInput{})
	a, _ := e.AddInstance("default", InstanceSpec{AZ: "us-east-1a", InstanceType: "t3.large", Attributes: map[string]string{"stack": "prod"}})
	b, _ := e.AddInstance("default", InstanceSpec{AZ: "us-east-1b", InstanceType: "m5.xlarge", Attributes: map[string]string{"stack": "test"}})
	c, _ := e.AddInstance("default", InstanceSpec{AZ: "us-east-1c", InstanceType: "m5.large"})
	td := register(t, e, simpleTD("x", "img"))
	tests := []struct {
		expr string
		want map[string]bool
	}{
		{"attribute:ecs.availability-zone == us-east-1b", map[string]bool{b: true}},
		{"attribute:ecs.availability-zone in [us-east-1a, us-east-1c]", map[string]bool{a: true, c: true}},
		{"attribute:ecs.instance-type =~ m5.*", map[string]bool{b: true, c: true}},
		{"attribute:ecs.instance-type != t3.large and attribute:stack exists", map[string]bool{b: true}},
		{"attribute:stack == prod or attribute:ecs.instance-type == m5.large", map[string]bool{a: true, c: true}},
		{"attribute:stack !exists", map[string]bool{c: true}},
		{"not_there_ok_if_parenthesised" + "", nil},
	}
	for _, tc := range tests {
		t.Run(tc.expr, func(t *testing.T) {
			out, err := e.RunTask(bg, &ecs.RunTaskInput{TaskDefinition: &td, Count: aws.Int32(10),
				PlacementConstraints: []types.PlacementConstraint{{Type: types.PlacementConstraintTypeMemberOf, Expression: aws.String(tc.expr)}}})
			if tc.want == nil {
				apiErr(t, err, "InvalidParameterException", "")
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]bool{}
			for _, tk := range out.Tasks {
				got[*tk.ContainerInstanceArn] = true
			}
			if len(got) != len(tc.want) {
				t.Fatalf("instances %v, want %v", got, tc.want)
			}
			for k := range got {
				if !tc.want[k] {
					t.Fatalf("placed on %s, want only %v", k, tc.want)
				}
			}
			for _, tk := range out.Tasks {
				e.StopTask(bg, &ecs.StopTaskInput{Task: tk.TaskArn})
			}
			e.Advance(time.Minute)
		})
	}
}

func TestPlacementStrategyBinpack(t *testing.T) {
	for _, field := range []string{"cpu", "memory"} {
		t.Run(field, func(t *testing.T) {
			e := newCluster(t, 3)
			td := register(t, e, tdWith("b", 256, aws.Int32(512), nil))
			out := run(t, e, &ecs.RunTaskInput{TaskDefinition: &td, Count: aws.Int32(8),
				PlacementStrategy: []types.PlacementStrategy{{Type: types.PlacementStrategyTypeBinpack, Field: aws.String(field)}}})
			per := map[string]int{}
			for _, tk := range out.Tasks {
				per[*tk.ContainerInstanceArn]++
			}
			if len(per) != 1 {
				t.Fatalf("binpack %s used %d instances: %v", field, len(per), per)
			}
		})
	}
}

func TestPlacementStrategySpreadInstanceID(t *testing.T) {
	e := newCluster(t, 3)
	td := register(t, e, simpleTD("s", "img"))
	out := run(t, e, &ecs.RunTaskInput{TaskDefinition: &td, Count: aws.Int32(6),
		PlacementStrategy: []types.PlacementStrategy{{Type: types.PlacementStrategyTypeSpread, Field: aws.String("instanceId")}}})
	per := map[string]int{}
	for _, tk := range out.Tasks {
		per[*tk.ContainerInstanceArn]++
	}
	for k, n := range per {
		if n != 2 {
			t.Fatalf("instance %s has %d tasks, want 2 each", k, n)
		}
	}
}

func TestPlacementStrategySpreadAZ(t *testing.T) {
	e := New()
	e.CreateCluster(bg, &ecs.CreateClusterInput{})
	// 3 instances in a, 1 in b: AZ spread still balances the AZs.
	for _, az := range []string{"us-east-1a", "us-east-1a", "us-east-1a", "us-east-1b"} {
		e.AddInstance("default", InstanceSpec{AZ: az})
	}
	td := register(t, e, simpleTD("s", "img"))
	out := run(t, e, &ecs.RunTaskInput{TaskDefinition: &td, Count: aws.Int32(4),
		PlacementStrategy: []types.PlacementStrategy{{Type: types.PlacementStrategyTypeSpread, Field: aws.String("attribute:ecs.availability-zone")}}})
	per := map[string]int{}
	for _, tk := range out.Tasks {
		per[*tk.AvailabilityZone]++
	}
	if per["us-east-1a"] != 2 || per["us-east-1b"] != 2 {
		t.Fatalf("per AZ = %v", per)
	}
}

func TestPlacementStrategySpreadCustomAttribute(t *testing.T) {
	e := New()
	e.CreateCluster(bg, &ecs.CreateClusterInput{})
	for _, rack := range []string{"r1", "r1", "r2"} {
		e.AddInstance("default", InstanceSpec{Attributes: map[string]string{"rack": rack}})
	}
	td := register(t, e, simpleTD("s", "img"))
	out := run(t, e, &ecs.RunTaskInput{TaskDefinition: &td, Count: aws.Int32(4),
		PlacementStrategy: []types.PlacementStrategy{{Type: types.PlacementStrategyTypeSpread, Field: aws.String("attribute:rack")}}})
	ci, _ := e.DescribeContainerInstances(bg, &ecs.DescribeContainerInstancesInput{ContainerInstances: []string{*out.Tasks[0].ContainerInstanceArn}})
	_ = ci
	racks := map[string]int{}
	for _, tk := range out.Tasks {
		d, _ := e.DescribeContainerInstances(bg, &ecs.DescribeContainerInstancesInput{ContainerInstances: []string{*tk.ContainerInstanceArn}})
		for _, a := range d.ContainerInstances[0].Attributes {
			if *a.Name == "rack" {
				racks[*a.Value]++
			}
		}
	}
	if racks["r1"] != 2 || racks["r2"] != 2 {
		t.Fatalf("per rack = %v", racks)
	}
}

func TestPlacementStrategyRandomSeeded(t *testing.T) {
	spread := func(seed int64) []string {
		e := newCluster(t, 10, WithSeed(seed))
		td := register(t, e, simpleTD("r", "img"))
		var out []string
		for _, tk := range run(t, e, &ecs.RunTaskInput{TaskDefinition: &td, Count: aws.Int32(10),
			PlacementStrategy: []types.PlacementStrategy{{Type: types.PlacementStrategyTypeRandom}}}).Tasks {
			out = append(out, *tk.ContainerInstanceArn)
		}
		return out
	}
	a, b := spread(5), spread(5)
	if !equal(a, b) {
		t.Fatal("random placement not reproducible with the same seed")
	}
	distinct := map[string]bool{}
	for _, x := range a {
		distinct[x] = true
	}
	if len(distinct) < 3 {
		t.Fatalf("random placement used only %d of 10 instances", len(distinct))
	}
}

func TestRunTaskCountLimit10(t *testing.T) {
	e := newCluster(t, 1)
	td := register(t, e, simpleTD("a", "img"))
	for _, n := range []int32{0, 11} {
		_, err := e.RunTask(bg, &ecs.RunTaskInput{TaskDefinition: &td, Count: aws.Int32(n)})
		apiErr(t, err, "InvalidParameterException", "")
	}
	if len(e.Tasks("default")) != 0 {
		t.Fatal("invalid RunTask started tasks")
	}
}

func TestRunTaskNoContainerInstances(t *testing.T) {
	e := newCluster(t, 0)
	td := register(t, e, simpleTD("a", "img"))
	_, err := e.RunTask(bg, &ecs.RunTaskInput{TaskDefinition: &td})
	apiErr(t, err, "InvalidParameterException", "No Container Instances were found in your cluster.")
}

func TestDrainingInstanceGetsNoTasks(t *testing.T) {
	e := newCluster(t, 2)
	l, _ := e.ListContainerInstances(bg, &ecs.ListContainerInstancesInput{})
	out, err := e.UpdateContainerInstancesState(bg, &ecs.UpdateContainerInstancesStateInput{ContainerInstances: l.ContainerInstanceArns[:1], Status: types.ContainerInstanceStatusDraining})
	if err != nil || *out.ContainerInstances[0].Status != "DRAINING" {
		t.Fatal(err)
	}
	td := register(t, e, simpleTD("a", "img"))
	for _, tk := range run(t, e, &ecs.RunTaskInput{TaskDefinition: &td, Count: aws.Int32(5)}).Tasks {
		if *tk.ContainerInstanceArn == l.ContainerInstanceArns[0] {
			t.Fatal("task placed on a DRAINING instance")
		}
	}
	e.UpdateContainerInstancesState(bg, &ecs.UpdateContainerInstancesStateInput{ContainerInstances: l.ContainerInstanceArns[1:], Status: types.ContainerInstanceStatusDraining})
	if r := run(t, e, &ecs.RunTaskInput{TaskDefinition: &td}); len(r.Failures) != 1 || *r.Failures[0].Reason != "AGENT" {
		t.Fatalf("all draining: %v", reasons(r.Failures))
	}
	_, err = e.UpdateContainerInstancesState(bg, &ecs.UpdateContainerInstancesStateInput{ContainerInstances: l.ContainerInstanceArns, Status: "INACTIVE"})
	apiErr(t, err, "InvalidParameterException", "")
}

func TestFargateSpreadsOverAZs(t *testing.T) {
	e := newCluster(t, 0, WithAvailabilityZones("eu-west-1a", "eu-west-1b", "eu-west-1c"))
	td := register(t, e, fargateTD("f", "img"))
	out := run(t, e, &ecs.RunTaskInput{TaskDefinition: &td, Count: aws.Int32(9), LaunchType: types.LaunchTypeFargate, NetworkConfiguration: netCfg})
	per := map[string]int{}
	for _, tk := range out.Tasks {
		per[*tk.AvailabilityZone]++
		if tk.ContainerInstanceArn != nil || tk.LaunchType != types.LaunchTypeFargate || *tk.LastStatus != "PROVISIONING" {
			t.Fatalf("fargate task %+v", tk)
		}
	}
	if per["eu-west-1a"] != 3 || per["eu-west-1b"] != 3 || per["eu-west-1c"] != 3 {
		t.Fatalf("per AZ = %v", per)
	}
}

func TestRunTaskValidation(t *testing.T) {
	e := newCluster(t, 1)
	ec2 := register(t, e, simpleTD("a", "img"))
	fg := register(t, e, fargateTD("f", "img"))
	tests := []struct {
		name      string
		in        *ecs.RunTaskInput
		code, msg string
	}{
		{"unknown task definition", &ecs.RunTaskInput{TaskDefinition: aws.String("nope")}, "ClientException", "TaskDefinition not found."},
		{"missing task definition", &ecs.RunTaskInput{}, "InvalidParameterException", ""},
		{"fargate without FARGATE compatibility", &ecs.RunTaskInput{TaskDefinition: &ec2, LaunchType: types.LaunchTypeFargate, NetworkConfiguration: netCfg}, "ClientException", "Task definition does not support launch_type FARGATE."},
		{"awsvpc without network configuration", &ecs.RunTaskInput{TaskDefinition: &fg, LaunchType: types.LaunchTypeFargate}, "InvalidParameterException", "Network Configuration must be provided when networkMode 'awsvpc' is specified."},
		{"bad strategy", &ecs.RunTaskInput{TaskDefinition: &ec2, PlacementStrategy: []types.PlacementStrategy{{Type: types.PlacementStrategyTypeBinpack, Field: aws.String("disk")}}}, "InvalidParameterException", ""},
		{"bad constraint type", &ecs.RunTaskInput{TaskDefinition: &ec2, PlacementConstraints: []types.PlacementConstraint{{Type: "nearby"}}}, "InvalidParameterException", ""},
		{"unknown override container", &ecs.RunTaskInput{TaskDefinition: &ec2, Overrides: &types.TaskOverride{ContainerOverrides: []types.ContainerOverride{{Name: aws.String("zzz")}}}}, "InvalidParameterException", ""},
		{"startedBy too long", &ecs.RunTaskInput{TaskDefinition: &ec2, StartedBy: aws.String("0123456789012345678901234567890123456789")}, "InvalidParameterException", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.RunTask(bg, tc.in)
			apiErr(t, err, tc.code, tc.msg)
			if len(e.Tasks("default")) != 0 {
				t.Fatal("invalid request changed state")
			}
		})
	}
}

func TestStartTaskOnNamedInstances(t *testing.T) {
	e := newCluster(t, 3)
	l, _ := e.ListContainerInstances(bg, &ecs.ListContainerInstancesInput{})
	td := register(t, e, tdWith("s", 0, aws.Int32(10), nil, pm(80, 80)))
	out, err := e.StartTask(bg, &ecs.StartTaskInput{TaskDefinition: &td, ContainerInstances: l.ContainerInstanceArns[:2]})
	if err != nil || len(out.Tasks) != 2 {
		t.Fatal(err, out)
	}
	for i, tk := range out.Tasks {
		if *tk.ContainerInstanceArn != l.ContainerInstanceArns[i] {
			t.Fatalf("task %d on %s", i, *tk.ContainerInstanceArn)
		}
	}
	again, _ := e.StartTask(bg, &ecs.StartTaskInput{TaskDefinition: &td, ContainerInstances: l.ContainerInstanceArns[:1]})
	if len(again.Failures) != 1 || *again.Failures[0].Reason != "RESOURCE:PORTS" {
		t.Fatalf("failures %v", reasons(again.Failures))
	}
}

// awsvpc tasks on EC2 get their own ENI: host ports are not taken on the
// instance, and the task goes through PROVISIONING.
func TestPlacementAwsvpcOnEC2UsesNoHostPorts(t *testing.T) {
	e := newCluster(t, 1)
	td := register(t, e, &ecs.RegisterTaskDefinitionInput{Family: aws.String("v"), NetworkMode: types.NetworkModeAwsvpc,
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("c"), Image: aws.String("i"), Memory: aws.Int32(64),
			PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(80)}}}}})
	out := run(t, e, &ecs.RunTaskInput{TaskDefinition: &td, Count: aws.Int32(3), NetworkConfiguration: netCfg})
	if len(out.Tasks) != 3 || *out.Tasks[0].LastStatus != "PROVISIONING" || len(out.Tasks[0].Attachments) != 1 {
		t.Fatalf("tasks %d failures %v", len(out.Tasks), reasons(out.Failures))
	}
}

func TestDeleteClusterWithTasksFails(t *testing.T) {
	e := New()
	e.CreateCluster(bg, &ecs.CreateClusterInput{ClusterName: aws.String("f")})
	td := register(t, e, fargateTD("f", "img"))
	run(t, e, &ecs.RunTaskInput{Cluster: aws.String("f"), TaskDefinition: &td, LaunchType: types.LaunchTypeFargate, NetworkConfiguration: netCfg})
	_, err := e.DeleteCluster(bg, &ecs.DeleteClusterInput{Cluster: aws.String("f")})
	apiErr(t, err, "ClusterContainsTasksException", "")
}
