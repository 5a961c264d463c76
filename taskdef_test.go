package ecsdeploy

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// seedTaskDefinition is the seed's task definition in the builder style.
func seedTaskDefinition() *TaskDefinitionBuilder {
	return NewTaskDefinition("web").
		Fargate().CPU(256).Memory(512).
		ExecutionRole("arn:aws:iam::123456789012:role/ecsTaskExecutionRole").
		Container(NewContainer("web", testECRImage).
			Port(80).Env("MODE", "prod").Logs(AWSLogs("/ecs/web", "us-east-1", "web")).
			HealthCheck("CMD-SHELL", "curl -f http://localhost/ || exit 1"))
}

func TestTaskDefinitionBuilderSeed(t *testing.T) {
	in, err := seedTaskDefinition().Build()
	if err != nil {
		t.Fatal(err)
	}
	if in.NetworkMode != types.NetworkModeAwsvpc || deref(in.Cpu) != "256" || deref(in.Memory) != "512" {
		t.Errorf("task: mode %s cpu %s memory %s", in.NetworkMode, deref(in.Cpu), deref(in.Memory))
	}
	c := in.ContainerDefinitions[0]
	if deref(c.PortMappings[0].ContainerPort) != 80 || c.PortMappings[0].Protocol != types.TransportProtocolTcp {
		t.Errorf("port: %+v", c.PortMappings)
	}
	if hc := c.HealthCheck; deref(hc.Interval) != 30 || deref(hc.Timeout) != 5 || deref(hc.Retries) != 3 || hc.Command[0] != "CMD-SHELL" {
		t.Errorf("health check defaults: %+v", hc)
	}
	if c.LogConfiguration.Options["awslogs-stream-prefix"] != "web" {
		t.Errorf("logs: %+v", c.LogConfiguration)
	}
}

func TestTaskDefinitionBuilderAllFields(t *testing.T) {
	in, err := NewTaskDefinition("full").Fargate().EC2().CPUString("1 vCPU").MemoryString("2 GB").
		ExecutionRole("arn:aws:iam::123456789012:role/exec").TaskRole("arn:aws:iam::123456789012:role/task").
		RuntimePlatform(types.OSFamilyLinux, types.CPUArchitectureArm64).BindVolume("shared").
		EphemeralStorage(50).PidMode(types.PidModeTask).Tag("team", "a").
		Container(NewContainer("app", "ghcr.io/example/app:1").CPU(512).Memory(1024).MemoryReservation(512).
			HostPort(8080, 8080).NamedPort("grpc", 9090, types.ApplicationProtocolGrpc).
			EnvFile("arn:aws:s3:::cfg/app.env").Secret("DB", "arn:aws:ssm:us-east-1:123456789012:parameter/db").
			EntryPoint("/app").Command("--serve").WorkingDirectory("/srv").User("1000").
			HealthCheck("CMD", "/app", "health").HealthCheckTiming(10, 3, 2, 20).
			DependsOn("init", types.ContainerConditionSuccess).Ulimit(types.UlimitNameNofile, 1024, 4096).
			Mount("shared", "/shared", false).VolumesFrom("init", true).ReadonlyRootFilesystem(true).
			StopTimeout(90).Label("tier", "app")).
		Container(NewContainer("init", "busybox").Essential(false).Logs(AWSLogsCreateGroup("/ecs/full", "eu-west-1", "init"))).
		Build()
	if err != nil {
		t.Fatal(err)
	}
	if len(in.RequiresCompatibilities) != 2 || deref(in.Cpu) != "1024" || deref(in.Memory) != "2048" || in.EphemeralStorage.SizeInGiB != 50 {
		t.Errorf("task: %+v", in)
	}
	app := in.ContainerDefinitions[0]
	if hc := app.HealthCheck; deref(hc.Interval) != 10 || deref(hc.Timeout) != 3 || deref(hc.Retries) != 2 || deref(hc.StartPeriod) != 20 {
		t.Errorf("health check timing: %+v", hc)
	}
	if len(app.PortMappings) != 2 || app.PortMappings[1].AppProtocol != types.ApplicationProtocolGrpc || deref(app.PortMappings[0].HostPort) != 8080 {
		t.Errorf("ports: %+v", app.PortMappings)
	}
	if app.DockerLabels["tier"] != "app" || deref(app.StopTimeout) != 90 || !deref(app.ReadonlyRootFilesystem) || deref(app.User) != "1000" {
		t.Errorf("container: %+v", app)
	}
	if in.ContainerDefinitions[1].LogConfiguration.Options["awslogs-create-group"] != "true" {
		t.Error("AWSLogsCreateGroup did not set awslogs-create-group")
	}
}

func TestTaskDefinitionBuilderReportsAllProblems(t *testing.T) {
	_, err := NewTaskDefinition("web").Fargate().CPUString("a lot").MemoryString("0.5 TB").
		Container(NewContainer("web", "").Port(80).HostPort(81, 82)).
		Container(NewContainer("web", "nginx").DependsOn("db", types.ContainerConditionStart)).
		Build()
	for _, p := range []struct{ field, rule string }{
		{"cpu", "positive whole number"},
		{"memory", "positive whole number"},
		{"cpu", "is required for Fargate"},
		{"containerDefinitions[0].image", "Container.image should not be null or empty."},
		{"containerDefinitions[0].portMappings[1].hostPort", "must match"},
		{"containerDefinitions[1].name", "duplicate container name"},
		{"containerDefinitions[1].dependsOn[0].containerName", `"db"`},
	} {
		assertProblem(t, err, p.field, p.rule)
	}
}

func TestTaskDefinitionBuilderEscapeHatches(t *testing.T) {
	c := NewContainer("web", "nginx").Memory(128)
	c.Definition().Hostname = aws.String("web-host")
	b := NewTaskDefinition("web").Container(c)
	b.Input().IpcMode = types.IpcModeNone
	in, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	if deref(in.ContainerDefinitions[0].Hostname) != "web-host" || in.IpcMode != types.IpcModeNone {
		t.Errorf("escape hatches lost: %+v", in)
	}
}

func TestTaskDefinitionBuilderBuildIsolated(t *testing.T) {
	c := NewContainer("web", "nginx").Memory(128).Env("A", "1")
	b := NewTaskDefinition("web").Container(c)
	first, err := b.Build()
	if err != nil {
		t.Fatal(err)
	}
	c.Env("B", "2").Label("x", "y")
	b.Tag("k", "v")
	if len(first.ContainerDefinitions[0].Environment) != 1 || first.ContainerDefinitions[0].DockerLabels != nil || len(first.Tags) != 0 {
		t.Error("later builder calls changed an earlier Build result")
	}
	second, _ := b.Build()
	if len(second.ContainerDefinitions[0].Environment) != 2 {
		t.Error("builder did not keep later calls")
	}
}

func TestTaskDefinitionBuilderNetworkMode(t *testing.T) {
	in, err := NewTaskDefinition("api").EC2().Fargate().NetworkMode(types.NetworkModeAwsvpc).CPU(512).Memory(1024).
		Container(NewContainer("api", "nginx")).Build()
	if err != nil || in.NetworkMode != types.NetworkModeAwsvpc {
		t.Fatalf("%v %v", in, err)
	}
	_, err = NewTaskDefinition("api").Fargate().NetworkMode(types.NetworkModeBridge).CPU(256).Memory(512).
		Container(NewContainer("api", "nginx")).Build()
	assertProblem(t, err, "networkMode", "Fargate requires networkMode awsvpc")
	in, err = NewTaskDefinition("api").EC2().Container(NewContainer("api", "nginx").MemoryReservation(64).Port(80)).Build()
	if err != nil || in.NetworkMode != "" {
		t.Errorf("EC2 keeps the ECS default network mode: %v %v", in.NetworkMode, err)
	}
}

func TestSeedTaskDefinitionJSON(t *testing.T) {
	in, err := seedTaskDefinition().Build()
	if err != nil {
		t.Fatal(err)
	}
	b, err := MarshalTaskDefinitionJSON(in)
	if err != nil {
		t.Fatal(err)
	}
	again, err := LoadTaskDefinitionJSON(b)
	if err != nil {
		t.Fatalf("%v\n%s", err, b)
	}
	if d := Diff(in, again); d != "" {
		t.Errorf("seed round trip differs:\n%s", d)
	}
	if !strings.HasPrefix(string(b), "{\n  \"containerDefinitions\": [") {
		t.Errorf("unexpected JSON start:\n%s", b)
	}
}
