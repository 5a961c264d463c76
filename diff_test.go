package ecsdeploy

import (
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func TestDiffNoChangeAfterNormalisation(t *testing.T) {
	tests := []struct {
		name string
		edit func(in *ecs.RegisterTaskDefinitionInput)
	}{
		{"Identical", func(in *ecs.RegisterTaskDefinitionInput) {}},
		{"ContainerOrder", func(in *ecs.RegisterTaskDefinitionInput) {
			c := in.ContainerDefinitions
			c[0], c[1] = c[1], c[0]
		}},
		{"EnvOrder", func(in *ecs.RegisterTaskDefinitionInput) {
			e := in.ContainerDefinitions[0].Environment
			e[0], e[1] = e[1], e[0]
		}},
		{"SecretsOrder", func(in *ecs.RegisterTaskDefinitionInput) {
			s := in.ContainerDefinitions[0].Secrets
			s[0], s[1] = s[1], s[0]
		}},
		{"PortsOrder", func(in *ecs.RegisterTaskDefinitionInput) {
			p := in.ContainerDefinitions[0].PortMappings
			p[0], p[1] = p[1], p[0]
		}},
		{"MountsOrder", func(in *ecs.RegisterTaskDefinitionInput) {
			m := in.ContainerDefinitions[0].MountPoints
			m[0], m[1] = m[1], m[0]
		}},
		{"EssentialDefaultTrue", func(in *ecs.RegisterTaskDefinitionInput) { in.ContainerDefinitions[0].Essential = aws.Bool(true) }},
		{"AwsvpcHostPortDefault", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[0].PortMappings[0].HostPort = in.ContainerDefinitions[0].PortMappings[0].ContainerPort
		}},
		{"ProtocolDefaultTCP", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[0].PortMappings[0].Protocol = types.TransportProtocolTcp
		}},
		{"CPUUnitString", func(in *ecs.RegisterTaskDefinitionInput) {
			in.Cpu, in.Memory = aws.String("0.25 vCPU"), aws.String("0.5 GB")
		}},
		{"HealthCheckDefaults", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[1].HealthCheck.Interval = aws.Int32(30)
			in.ContainerDefinitions[1].HealthCheck.Timeout = aws.Int32(5)
			in.ContainerDefinitions[1].HealthCheck.Retries = aws.Int32(3)
		}},
		{"EmptyVersusNilSlices", func(in *ecs.RegisterTaskDefinitionInput) {
			in.Volumes = append(in.Volumes[:0:0], in.Volumes...)
			in.ContainerDefinitions[1].MountPoints = []types.MountPoint{}
			in.PlacementConstraints = []types.TaskDefinitionPlacementConstraint{}
		}},
		{"TagOrder", func(in *ecs.RegisterTaskDefinitionInput) { in.Tags[0], in.Tags[1] = in.Tags[1], in.Tags[0] }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := diffBase(), diffBase()
			tt.edit(b)
			if d := Diff(a, b); d != "" {
				t.Errorf("want no diff, got:\n%s", d)
			}
		})
	}
}

func TestDiffReportsChanges(t *testing.T) {
	tests := []struct {
		name string
		edit func(in *ecs.RegisterTaskDefinitionInput)
		want string
	}{
		{"Image", func(in *ecs.RegisterTaskDefinitionInput) { in.ContainerDefinitions[0].Image = aws.String("web:2") },
			`containerDefinitions[web].image: "web:1" -> "web:2"`},
		{"EnvValue", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[0].Environment[0].Value = aws.String("dev")
		},
			`containerDefinitions[web].environment[MODE].value: "prod" -> "dev"`},
		{"EnvAdded", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[0].Environment = append(in.ContainerDefinitions[0].Environment, types.KeyValuePair{Name: aws.String("NEW"), Value: aws.String("1")})
		}, `containerDefinitions[web].environment[NEW]: <none> -> {name: "NEW", value: "1"}`},
		{"TaskMemory", func(in *ecs.RegisterTaskDefinitionInput) { in.Memory = aws.String("1 GB") }, `memory: "512" -> "1024"`},
		{"EssentialFlipped", func(in *ecs.RegisterTaskDefinitionInput) { in.ContainerDefinitions[1].Essential = aws.Bool(true) },
			`containerDefinitions[worker].essential: false -> true`},
		{"ContainerRemoved", func(in *ecs.RegisterTaskDefinitionInput) { in.ContainerDefinitions = in.ContainerDefinitions[:1] },
			`containerDefinitions[worker]: {`},
		{"HealthCheckRemoved", func(in *ecs.RegisterTaskDefinitionInput) { in.ContainerDefinitions[1].HealthCheck = nil },
			`containerDefinitions[worker].healthCheck: {command: ["CMD", "true"], interval: 30, retries: 3, startPeriod: 0, timeout: 5} -> <none>`},
		{"HostPortChanged", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[0].PortMappings[0].HostPort = aws.Int32(0)
		}, `hostPort: 80 -> 0`},
		{"LabelAdded", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[0].DockerLabels = map[string]string{"a": "b"}
		},
			`containerDefinitions[web].dockerLabels: <none> -> {a: "b"}`},
		{"LogConfigurationAdded", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[1].Ulimits = []types.Ulimit{{Name: types.UlimitNameNofile, SoftLimit: 1, HardLimit: 2}}
			in.ContainerDefinitions[1].LogConfiguration = &types.LogConfiguration{LogDriver: types.LogDriverAwslogs, Options: map[string]string{"awslogs-group": "g2"}}
		}, `containerDefinitions[worker].logConfiguration: <none> -> {logDriver: "awslogs", options: {awslogs-group: "g2"}}`},
		{"MapValueChanged", func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[0].LogConfiguration.Options["awslogs-group"] = "/ecs/new"
		}, `containerDefinitions[web].logConfiguration.options[awslogs-group]: "/ecs/web" -> "/ecs/new"`},
		{"NetworkMode", func(in *ecs.RegisterTaskDefinitionInput) { in.NetworkMode = "" }, `networkMode: "awsvpc" -> "bridge"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, b := diffBase(), diffBase()
			tt.edit(b)
			d := Diff(a, b)
			if !strings.Contains(d, tt.want) {
				t.Errorf("diff lacks %q:\n%s", tt.want, d)
			}
			if d2 := Diff(a, b); d2 != d {
				t.Errorf("diff not stable:\n%s\n%s", d, d2)
			}
		})
	}
}

func TestDiffDoesNotModifyInputs(t *testing.T) {
	a, b := diffBase(), diffBase()
	b.ContainerDefinitions[0], b.ContainerDefinitions[1] = b.ContainerDefinitions[1], b.ContainerDefinitions[0]
	Diff(a, b)
	if deref(b.ContainerDefinitions[0].Name) != "worker" || b.ContainerDefinitions[1].Essential != nil && deref(b.ContainerDefinitions[0].Essential) {
		t.Error("Diff reordered or modified its input")
	}
	if a.ContainerDefinitions[0].Essential != nil || a.ContainerDefinitions[0].PortMappings[0].HostPort != nil {
		t.Error("Diff filled defaults into its input")
	}
}

func TestDiffNil(t *testing.T) {
	if Diff(nil, nil) != "" {
		t.Error("Diff(nil, nil) != \"\"")
	}
	if d := Diff(nil, diffBase()); !strings.Contains(d, `family: <none> -> "web"`) {
		t.Errorf("Diff(nil, x) = %s", d)
	}
}

func diffBase() *ecs.RegisterTaskDefinitionInput {
	return &ecs.RegisterTaskDefinitionInput{
		Family: aws.String("web"), NetworkMode: types.NetworkModeAwsvpc,
		RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		Cpu:                     aws.String("256"), Memory: aws.String("512"),
		Volumes: []types.Volume{{Name: aws.String("a")}, {Name: aws.String("b")}},
		Tags:    []types.Tag{{Key: aws.String("x"), Value: aws.String("1")}, {Key: aws.String("y"), Value: aws.String("2")}},
		ContainerDefinitions: []types.ContainerDefinition{{
			Name: aws.String("web"), Image: aws.String("web:1"),
			PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(80)}, {ContainerPort: aws.Int32(443)}},
			Environment:  []types.KeyValuePair{{Name: aws.String("MODE"), Value: aws.String("prod")}, {Name: aws.String("LEVEL"), Value: aws.String("info")}},
			Secrets: []types.Secret{{Name: aws.String("A"), ValueFrom: aws.String("arn:a")},
				{Name: aws.String("B"), ValueFrom: aws.String("arn:b")}},
			MountPoints: []types.MountPoint{{SourceVolume: aws.String("b"), ContainerPath: aws.String("/b")},
				{SourceVolume: aws.String("a"), ContainerPath: aws.String("/a")}},
			LogConfiguration: AWSLogs("/ecs/web", "us-east-1", "web"),
		}, {
			Name: aws.String("worker"), Image: aws.String("worker:1"), Essential: aws.Bool(false),
			HealthCheck: &types.HealthCheck{Command: []string{"CMD", "true"}},
		}},
	}
}

// TestDiffDescribeOutputEqualsBuilder: what describe-task-definition prints
// (explicit defaults, empty lists, read-only fields) equals the builder's
// definition it came from.
func TestDiffDescribeOutputEqualsBuilder(t *testing.T) {
	described, err := LoadTaskDefinitionJSON(readFixture(t, "secrets-healthcheck-describe.json"))
	if err != nil {
		t.Fatal(err)
	}
	built, err := NewTaskDefinition("billing").Fargate().CPUString("0.5 vCPU").MemoryString("1 GB").
		ExecutionRole("arn:aws:iam::123456789012:role/ecsTaskExecutionRole").
		TaskRole("arn:aws:iam::123456789012:role/billingTaskRole").
		Tag("cost-center", "billing").
		Container(NewContainer("billing", "123456789012.dkr.ecr.us-east-1.amazonaws.com/billing@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef").
			Port(8443).Env("LOG_LEVEL", "info").Env("REGION", "us-east-1").
			EnvFile("arn:aws:s3:::billing-config/prod.env").
			Secret("API_KEY", "arn:aws:ssm:us-east-1:123456789012:parameter/prod/billing/api-key").
			Secret("DB_PASSWORD", "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/billing/db-AbCdEf").
			Logs(AWSLogs("/ecs/billing", "us-east-1", "billing")).
			HealthCheck("CMD", "/bin/healthcheck", "--tls").HealthCheckTiming(30, 5, 3, 60)).
		Build()
	if err != nil {
		t.Fatal(err)
	}
	if d := Diff(built, described); d != "" {
		t.Errorf("want no diff, got:\n%s", d)
	}
}

// TestDiffIgnoresListOrderInFixtures reverses every order-insensitive list
// of each fixture; the diff must stay empty.
func TestDiffIgnoresListOrderInFixtures(t *testing.T) {
	for _, name := range fixtures {
		a, err := LoadTaskDefinitionJSON(readFixture(t, name))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := LoadTaskDefinitionJSON(readFixture(t, name))
		slices.Reverse(b.ContainerDefinitions)
		slices.Reverse(b.RequiresCompatibilities)
		slices.Reverse(b.Volumes)
		slices.Reverse(b.Tags)
		for i := range b.ContainerDefinitions {
			c := &b.ContainerDefinitions[i]
			slices.Reverse(c.Environment)
			slices.Reverse(c.Secrets)
			slices.Reverse(c.PortMappings)
			slices.Reverse(c.MountPoints)
			slices.Reverse(c.DependsOn)
			slices.Reverse(c.Ulimits)
		}
		if d := Diff(a, b); d != "" {
			t.Errorf("%s: want no diff, got:\n%s", name, d)
		}
	}
}

func TestDiffVolumeHostEmptyEqualsNone(t *testing.T) {
	a, b := diffBase(), diffBase()
	b.Volumes[0].Host = &types.HostVolumeProperties{}
	if d := Diff(a, b); d != "" {
		t.Errorf("want no diff, got:\n%s", d)
	}
	b.Volumes[0].Host = &types.HostVolumeProperties{SourcePath: aws.String("/data")}
	if d := Diff(a, b); !strings.Contains(d, `volumes[a].host: <none> -> {sourcePath: "/data"}`) {
		t.Errorf("diff = %s", d)
	}
}
