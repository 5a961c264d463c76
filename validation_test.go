package ecsdeploy

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

const testECRImage = "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4.2"

// validFargate is a valid Fargate task definition for tests to break.
func validFargate() *ecs.RegisterTaskDefinitionInput {
	return &ecs.RegisterTaskDefinitionInput{
		Family:                  aws.String("web"),
		RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		NetworkMode:             types.NetworkModeAwsvpc,
		Cpu:                     aws.String("256"),
		Memory:                  aws.String("512"),
		ExecutionRoleArn:        aws.String("arn:aws:iam::123456789012:role/ecsTaskExecutionRole"),
		ContainerDefinitions: []types.ContainerDefinition{{
			Name:         aws.String("web"),
			Image:        aws.String(testECRImage),
			PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(80)}},
		}, {
			Name:      aws.String("sidecar"),
			Image:     aws.String("public.ecr.aws/aws-observability/aws-otel-collector:v0.40.0"),
			Essential: aws.Bool(false),
		}},
	}
}

// validEC2 is a valid EC2 bridge-mode task definition for tests to break.
func validEC2() *ecs.RegisterTaskDefinitionInput {
	return &ecs.RegisterTaskDefinitionInput{
		Family: aws.String("api"),
		ContainerDefinitions: []types.ContainerDefinition{{
			Name:         aws.String("api"),
			Image:        aws.String("nginx:1.25"),
			Memory:       aws.Int32(256),
			PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(80), HostPort: aws.Int32(0)}},
		}},
	}
}

// problemList returns the ValidationErrors inside err.
func problemList(t *testing.T, err error) []*ValidationError {
	t.Helper()
	if err == nil {
		return nil
	}
	var out []*ValidationError
	for _, e := range unjoin(err) {
		var ve *ValidationError
		if !errors.As(e, &ve) {
			t.Fatalf("error %v is not a *ValidationError", e)
		}
		out = append(out, ve)
	}
	return out
}

// assertProblem fails unless err holds a ValidationError on field whose
// rule contains rule.
func assertProblem(t *testing.T, err error, field, rule string) {
	t.Helper()
	for _, ve := range problemList(t, err) {
		if ve.Field == field && strings.Contains(ve.Rule, rule) {
			return
		}
	}
	t.Errorf("want problem %s: ...%s...; got %v", field, rule, err)
}

func TestValidateTaskDefinitionInputValid(t *testing.T) {
	tests := map[string]func() *ecs.RegisterTaskDefinitionInput{
		"fargate web and sidecar": validFargate,
		"ec2 bridge dynamic port": validEC2,
		"fargate vCPU and GB strings": func() *ecs.RegisterTaskDefinitionInput {
			in := validFargate()
			in.Cpu, in.Memory = aws.String("1 vCPU"), aws.String("2 GB")
			return in
		},
		"ec2 task-level memory only": func() *ecs.RegisterTaskDefinitionInput {
			in := validEC2()
			in.Memory = aws.String("512")
			in.ContainerDefinitions[0].Memory = nil
			return in
		},
		"dependsOn HEALTHY with health check and COMPLETE on non-essential": func() *ecs.RegisterTaskDefinitionInput {
			in := validFargate()
			in.ContainerDefinitions[1].HealthCheck = &types.HealthCheck{Command: []string{"CMD", "true"}}
			in.ContainerDefinitions[0].DependsOn = []types.ContainerDependency{
				{ContainerName: aws.String("sidecar"), Condition: types.ContainerConditionHealthy},
			}
			return in
		},
		"image by digest": func() *ecs.RegisterTaskDefinitionInput {
			in := validEC2()
			in.ContainerDefinitions[0].Image = aws.String("localhost:5000/team/api@sha256:" + strings.Repeat("ab", 32))
			return in
		},
		"host mode equal ports": func() *ecs.RegisterTaskDefinitionInput {
			in := validEC2()
			in.NetworkMode = types.NetworkModeHost
			in.ContainerDefinitions[0].PortMappings[0].HostPort = aws.Int32(80)
			return in
		},
	}
	for name, mk := range tests {
		t.Run(name, func(t *testing.T) {
			if err := ValidateTaskDefinitionInput(mk()); err != nil {
				t.Fatalf("want valid, got %v", err)
			}
		})
	}
}

func TestValidateTaskDefinitionInputInvalid(t *testing.T) {
	c0 := func(in *ecs.RegisterTaskDefinitionInput) *types.ContainerDefinition {
		return &in.ContainerDefinitions[0]
	}
	tests := []struct {
		name  string
		base  func() *ecs.RegisterTaskDefinitionInput
		edit  func(in *ecs.RegisterTaskDefinitionInput)
		field string
		rule  string
	}{
		{"FamilyRequired", validFargate, func(in *ecs.RegisterTaskDefinitionInput) { in.Family = nil }, "family", "is required"},
		{"FamilySyntax", validFargate, func(in *ecs.RegisterTaskDefinitionInput) { in.Family = aws.String("web app") }, "family", "1-255 letters"},
		{"FamilyLength", validFargate, func(in *ecs.RegisterTaskDefinitionInput) { in.Family = aws.String(strings.Repeat("a", 256)) }, "family", "1-255"},
		{"ContainersRequired", validFargate, func(in *ecs.RegisterTaskDefinitionInput) { in.ContainerDefinitions = nil }, "containerDefinitions", "at least one container"},
		{"AtMostTenContainers", validEC2, func(in *ecs.RegisterTaskDefinitionInput) {
			for i := range 10 {
				cd := in.ContainerDefinitions[0]
				cd.Name = aws.String("c" + string(rune('a'+i)))
				in.ContainerDefinitions = append(in.ContainerDefinitions, cd)
			}
		}, "containerDefinitions", "at most 10 containers"},
		{"CompatibilityEnum", validEC2, func(in *ecs.RegisterTaskDefinitionInput) {
			in.RequiresCompatibilities = []types.Compatibility{"LAMBDA"}
		}, "requiresCompatibilities[0]", "must be one of"},
		{"NetworkModeEnum", validEC2, func(in *ecs.RegisterTaskDefinitionInput) { in.NetworkMode = "overlay" }, "networkMode", "must be one of"},
		{"FargateRequiresAwsvpc", validFargate, func(in *ecs.RegisterTaskDefinitionInput) { in.NetworkMode = types.NetworkModeBridge }, "networkMode", "Fargate requires networkMode awsvpc"},
		{"FargateDefaultBridgeRejected", validFargate, func(in *ecs.RegisterTaskDefinitionInput) { in.NetworkMode = "" }, "networkMode", "got bridge"},
		{"FargateCPUMemoryPair", validFargate, func(in *ecs.RegisterTaskDefinitionInput) { in.Memory = aws.String("4096") }, "cpu", "Invalid 'cpu' setting for task."},
		{"FargateCPUValue", validFargate, func(in *ecs.RegisterTaskDefinitionInput) { in.Cpu = aws.String("300") }, "cpu", "Invalid 'cpu' setting for task."},
		{"FargateMemoryStep", validFargate, func(in *ecs.RegisterTaskDefinitionInput) {
			in.Cpu, in.Memory = aws.String("8192"), aws.String("17408")
		}, "cpu", "Invalid 'cpu' setting for task."},
		{"FargateCPURequired", validFargate, func(in *ecs.RegisterTaskDefinitionInput) { in.Cpu = nil }, "cpu", "is required for Fargate"},
		{"FargateMemoryRequired", validFargate, func(in *ecs.RegisterTaskDefinitionInput) { in.Memory = nil }, "memory", "is required for Fargate"},
		{"TaskCPUSyntax", validEC2, func(in *ecs.RegisterTaskDefinitionInput) { in.Cpu = aws.String("lots") }, "cpu", "positive whole number"},
		{"TaskMemorySyntax", validEC2, func(in *ecs.RegisterTaskDefinitionInput) { in.Memory = aws.String("1.1 GB") }, "memory", "whole number of MiB"},
		{"EC2TaskCPURange", validEC2, func(in *ecs.RegisterTaskDefinitionInput) { in.Cpu = aws.String("64") }, "cpu", "between 128 and 196608"},
		{"PidModeEnum", validEC2, func(in *ecs.RegisterTaskDefinitionInput) { in.PidMode = "container" }, "pidMode", "must be one of"},
		{"FargatePidModeTaskOnly", validFargate, func(in *ecs.RegisterTaskDefinitionInput) { in.PidMode = types.PidModeHost }, "pidMode", "only pidMode task"},
		{"FargateNoIpcMode", validFargate, func(in *ecs.RegisterTaskDefinitionInput) { in.IpcMode = types.IpcModeTask }, "ipcMode", "not supported on Fargate"},
		{"RuntimePlatformOS", validFargate, func(in *ecs.RegisterTaskDefinitionInput) {
			in.RuntimePlatform = &types.RuntimePlatform{OperatingSystemFamily: "MACOS"}
		}, "runtimePlatform.operatingSystemFamily", "must be one of"},
		{"RuntimePlatformArch", validFargate, func(in *ecs.RegisterTaskDefinitionInput) {
			in.RuntimePlatform = &types.RuntimePlatform{CpuArchitecture: "RISCV"}
		}, "runtimePlatform.cpuArchitecture", "must be one of"},
		{"EphemeralStorageBounds", validFargate, func(in *ecs.RegisterTaskDefinitionInput) {
			in.EphemeralStorage = &types.EphemeralStorage{SizeInGiB: 20}
		}, "ephemeralStorage.sizeInGiB", "between 21 and 200"},
		{"VolumeNameRequired", validEC2, func(in *ecs.RegisterTaskDefinitionInput) { in.Volumes = []types.Volume{{}} }, "volumes[0].name", "is required"},
		{"VolumeNameDuplicate", validEC2, func(in *ecs.RegisterTaskDefinitionInput) {
			in.Volumes = []types.Volume{{Name: aws.String("d")}, {Name: aws.String("d")}}
		}, "volumes[1].name", "duplicate volume name"},
		{"FargateNoDockerVolumes", validFargate, func(in *ecs.RegisterTaskDefinitionInput) {
			in.Volumes = []types.Volume{{Name: aws.String("d"), DockerVolumeConfiguration: &types.DockerVolumeConfiguration{}}}
		}, "volumes[0].dockerVolumeConfiguration", "not supported on Fargate"},
		{"FargateNoHostSourcePath", validFargate, func(in *ecs.RegisterTaskDefinitionInput) {
			in.Volumes = []types.Volume{{Name: aws.String("d"), Host: &types.HostVolumeProperties{SourcePath: aws.String("/var")}}}
		}, "volumes[0].host.sourcePath", "not supported on Fargate"},
		{"EFSFileSystemRequired", validEC2, func(in *ecs.RegisterTaskDefinitionInput) {
			in.Volumes = []types.Volume{{Name: aws.String("d"), EfsVolumeConfiguration: &types.EFSVolumeConfiguration{}}}
		}, "volumes[0].efsVolumeConfiguration.fileSystemId", "is required"},
		{"TagKeyLength", validEC2, func(in *ecs.RegisterTaskDefinitionInput) { in.Tags = []types.Tag{{Key: aws.String("")}} }, "tags[0].key", "1-128"},
		{"TagAwsPrefix", validEC2, func(in *ecs.RegisterTaskDefinitionInput) { in.Tags = []types.Tag{{Key: aws.String("aws:x")}} }, "tags[0].key", "reserved"},
		{"TagDuplicateKey", validEC2, func(in *ecs.RegisterTaskDefinitionInput) {
			in.Tags = []types.Tag{{Key: aws.String("k")}, {Key: aws.String("k")}}
		}, "tags[1].key", "duplicate"},
		{"TagValueLength", validEC2, func(in *ecs.RegisterTaskDefinitionInput) {
			in.Tags = []types.Tag{{Key: aws.String("k"), Value: aws.String(strings.Repeat("v", 257))}}
		}, "tags[0].value", "at most 256"},
		{"AtMost50Tags", validEC2, func(in *ecs.RegisterTaskDefinitionInput) {
			for i := range 51 {
				in.Tags = append(in.Tags, types.Tag{Key: aws.String(strings.Repeat("k", i+1))})
			}
		}, "tags", "at most 50"},
		{"AtLeastOneEssential", validFargate, func(in *ecs.RegisterTaskDefinitionInput) { c0(in).Essential = aws.Bool(false) }, "containerDefinitions", "at least one container must be essential"},
		{"ContainerMemoryWithinTask", validFargate, func(in *ecs.RegisterTaskDefinitionInput) { c0(in).Memory = aws.Int32(1024) }, "containerDefinitions[0].memory", "exceeds the task memory"},
		{"ContainerMemorySumWithinTask", validFargate, func(in *ecs.RegisterTaskDefinitionInput) {
			c0(in).Memory = aws.Int32(300)
			in.ContainerDefinitions[1].MemoryReservation = aws.Int32(300)
		}, "memory", "the containers' memory (600 MiB) exceeds the task memory (512 MiB)"},
		{"ContainerCPUSumWithinTask", validFargate, func(in *ecs.RegisterTaskDefinitionInput) {
			c0(in).Cpu = 200
			in.ContainerDefinitions[1].Cpu = 100
		}, "cpu", "exceeds the task cpu"},
		{"ContainerCPUWithinTask", validFargate, func(in *ecs.RegisterTaskDefinitionInput) { c0(in).Cpu = 512 }, "containerDefinitions[0].cpu", "exceeds the task cpu"},
		{"MemoryGreaterThanReservation", validEC2, func(in *ecs.RegisterTaskDefinitionInput) { c0(in).MemoryReservation = aws.Int32(512) }, "containerDefinitions[0].memory", "must be greater than memoryReservation"},
		{"ContainerMemoryMinimum", validEC2, func(in *ecs.RegisterTaskDefinitionInput) { c0(in).Memory = aws.Int32(3) }, "containerDefinitions[0].memory", "at least 4 MiB"},
		{"EC2MemoryOrReservationRequired", validEC2, func(in *ecs.RegisterTaskDefinitionInput) { c0(in).Memory = nil }, "containerDefinitions[0].memory",
			"Invalid setting for container 'api'. At least one of 'memory' or 'memoryReservation' must be specified."},
		{"ContainerNameRequired", validFargate, func(in *ecs.RegisterTaskDefinitionInput) { c0(in).Name = nil }, "containerDefinitions[0].name", "is required"},
		{"ContainerNameSyntax", validFargate, func(in *ecs.RegisterTaskDefinitionInput) { c0(in).Name = aws.String("web.1") }, "containerDefinitions[0].name", "1-255 letters"},
		{"ContainerNameDuplicate", validFargate, func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[1].Name = aws.String("web")
		}, "containerDefinitions[1].name", `duplicate container name "web" (also containerDefinitions[0])`},
		{"ImageRequired", validFargate, func(in *ecs.RegisterTaskDefinitionInput) { c0(in).Image = aws.String("") }, "containerDefinitions[0].image", "Container.image should not be null or empty."},
		{"ImageCharacters", validFargate, func(in *ecs.RegisterTaskDefinitionInput) { c0(in).Image = aws.String("web app:1") }, "containerDefinitions[0].image", "may contain only"},
		{"ImageTagSyntax", validFargate, func(in *ecs.RegisterTaskDefinitionInput) { c0(in).Image = aws.String("nginx:-bad") }, "containerDefinitions[0].image", "image tag"},
		{"ImageDigestSyntax", validFargate, func(in *ecs.RegisterTaskDefinitionInput) { c0(in).Image = aws.String("nginx@sha256:xyz") }, "containerDefinitions[0].image", "digest"},
		{"ImageEmptyComponent", validFargate, func(in *ecs.RegisterTaskDefinitionInput) { c0(in).Image = aws.String("library//nginx") }, "containerDefinitions[0].image", "malformed"},
		{"ImageLength", validFargate, func(in *ecs.RegisterTaskDefinitionInput) { c0(in).Image = aws.String(strings.Repeat("a", 256)) }, "containerDefinitions[0].image", "at most 255"},
		{"ContainerPortRequired", validFargate, func(in *ecs.RegisterTaskDefinitionInput) { c0(in).PortMappings[0].ContainerPort = nil }, "containerDefinitions[0].portMappings[0].containerPort", "is required"},
		{"ContainerPortRange", validFargate, func(in *ecs.RegisterTaskDefinitionInput) { c0(in).PortMappings[0].ContainerPort = aws.Int32(70000) }, "containerDefinitions[0].portMappings[0].containerPort", "between 1 and 65535"},
		{"AwsvpcHostPortMatches", validFargate, func(in *ecs.RegisterTaskDefinitionInput) { c0(in).PortMappings[0].HostPort = aws.Int32(8080) }, "containerDefinitions[0].portMappings[0].hostPort",
			"When networkMode=awsvpc, the host ports and container ports in port mappings must match."},
		{"HostModeHostPortMatches", validEC2, func(in *ecs.RegisterTaskDefinitionInput) {
			in.NetworkMode = types.NetworkModeHost
			c0(in).PortMappings[0].HostPort = aws.Int32(8080)
		}, "containerDefinitions[0].portMappings[0].hostPort", "When networkMode=host"},
		{"HostPortRange", validEC2, func(in *ecs.RegisterTaskDefinitionInput) { c0(in).PortMappings[0].HostPort = aws.Int32(-1) }, "containerDefinitions[0].portMappings[0].hostPort", "between 0 and 65535"},
		{"PortProtocolEnum", validEC2, func(in *ecs.RegisterTaskDefinitionInput) { c0(in).PortMappings[0].Protocol = "sctp" }, "containerDefinitions[0].portMappings[0].protocol", "must be one of"},
		{"PortAppProtocolEnum", validEC2, func(in *ecs.RegisterTaskDefinitionInput) { c0(in).PortMappings[0].AppProtocol = "ftp" }, "containerDefinitions[0].portMappings[0].appProtocol", "must be one of"},
		{"PortNameSyntax", validEC2, func(in *ecs.RegisterTaskDefinitionInput) { c0(in).PortMappings[0].Name = aws.String("-Web") }, "containerDefinitions[0].portMappings[0].name", "lowercase"},
		{"PortRangeSyntax", validEC2, func(in *ecs.RegisterTaskDefinitionInput) {
			c0(in).PortMappings[0] = types.PortMapping{ContainerPortRange: aws.String("9000-8000")}
		}, "containerDefinitions[0].portMappings[0].containerPortRange", "start-end"},
		{"NetworkModeNoneNoPorts", validEC2, func(in *ecs.RegisterTaskDefinitionInput) { in.NetworkMode = types.NetworkModeNone }, "containerDefinitions[0].portMappings", "not allowed with networkMode none"},
		{"HealthCheckCommandPrefix", validEC2, func(in *ecs.RegisterTaskDefinitionInput) {
			c0(in).HealthCheck = &types.HealthCheck{Command: []string{"curl", "-f", "localhost"}}
		}, "containerDefinitions[0].healthCheck.command", "must start with CMD or CMD-SHELL"},
		{"HealthCheckCommandRequired", validEC2, func(in *ecs.RegisterTaskDefinitionInput) { c0(in).HealthCheck = &types.HealthCheck{} }, "containerDefinitions[0].healthCheck.command", "is required"},
		{"HealthCheckCommandArgs", validEC2, func(in *ecs.RegisterTaskDefinitionInput) {
			c0(in).HealthCheck = &types.HealthCheck{Command: []string{"CMD-SHELL"}}
		}, "containerDefinitions[0].healthCheck.command", "needs a command"},
		{"HealthCheckIntervalBounds", validEC2, func(in *ecs.RegisterTaskDefinitionInput) {
			c0(in).HealthCheck = &types.HealthCheck{Command: []string{"CMD", "true"}, Interval: aws.Int32(4)}
		}, "containerDefinitions[0].healthCheck.interval", "between 5 and 300"},
		{"HealthCheckTimeoutBounds", validEC2, func(in *ecs.RegisterTaskDefinitionInput) {
			c0(in).HealthCheck = &types.HealthCheck{Command: []string{"CMD", "true"}, Timeout: aws.Int32(61)}
		}, "containerDefinitions[0].healthCheck.timeout", "between 2 and 60"},
		{"HealthCheckRetriesBounds", validEC2, func(in *ecs.RegisterTaskDefinitionInput) {
			c0(in).HealthCheck = &types.HealthCheck{Command: []string{"CMD", "true"}, Retries: aws.Int32(11)}
		}, "containerDefinitions[0].healthCheck.retries", "between 1 and 10"},
		{"HealthCheckStartPeriodBounds", validEC2, func(in *ecs.RegisterTaskDefinitionInput) {
			c0(in).HealthCheck = &types.HealthCheck{Command: []string{"CMD", "true"}, StartPeriod: aws.Int32(301)}
		}, "containerDefinitions[0].healthCheck.startPeriod", "between 0 and 300"},
		{"DependsOnExistingContainer", validFargate, func(in *ecs.RegisterTaskDefinitionInput) {
			c0(in).DependsOn = []types.ContainerDependency{{ContainerName: aws.String("db"), Condition: types.ContainerConditionStart}}
		}, "containerDefinitions[0].dependsOn[0].containerName", `names no container in this task definition: "db"`},
		{"DependsOnSelf", validFargate, func(in *ecs.RegisterTaskDefinitionInput) {
			c0(in).DependsOn = []types.ContainerDependency{{ContainerName: aws.String("web"), Condition: types.ContainerConditionStart}}
		}, "containerDefinitions[0].dependsOn[0].containerName", "cannot depend on itself"},
		{"DependsOnConditionEnum", validFargate, func(in *ecs.RegisterTaskDefinitionInput) {
			c0(in).DependsOn = []types.ContainerDependency{{ContainerName: aws.String("sidecar"), Condition: "READY"}}
		}, "containerDefinitions[0].dependsOn[0].condition", "must be one of"},
		{"DependsOnHealthyNeedsHealthCheck", validFargate, func(in *ecs.RegisterTaskDefinitionInput) {
			c0(in).DependsOn = []types.ContainerDependency{{ContainerName: aws.String("sidecar"), Condition: types.ContainerConditionHealthy}}
		}, "containerDefinitions[0].dependsOn[0].condition", "HEALTHY requires container \"sidecar\" to have a healthCheck"},
		{"DependsOnCompleteNotEssential", validFargate, func(in *ecs.RegisterTaskDefinitionInput) {
			in.ContainerDefinitions[1].DependsOn = []types.ContainerDependency{{ContainerName: aws.String("web"), Condition: types.ContainerConditionComplete}}
		}, "containerDefinitions[1].dependsOn[0].condition", "COMPLETE cannot be set on essential container \"web\""},
		{"DependsOnCycle", validFargate, func(in *ecs.RegisterTaskDefinitionInput) {
			c0(in).DependsOn = []types.ContainerDependency{{ContainerName: aws.String("sidecar"), Condition: types.ContainerConditionStart}}
			in.ContainerDefinitions[1].DependsOn = []types.ContainerDependency{{ContainerName: aws.String("web"), Condition: types.ContainerConditionStart}}
		}, "containerDefinitions[0].dependsOn", "dependency cycle: web -> sidecar -> web"},
		{"EnvironmentNameRequired", validFargate, func(in *ecs.RegisterTaskDefinitionInput) {
			c0(in).Environment = []types.KeyValuePair{{Value: aws.String("x")}}
		}, "containerDefinitions[0].environment[0].name", "is required"},
		{"EnvironmentFileType", validFargate, func(in *ecs.RegisterTaskDefinitionInput) {
			c0(in).EnvironmentFiles = []types.EnvironmentFile{{Type: "http", Value: aws.String("arn:aws:s3:::b/a.env")}}
		}, "containerDefinitions[0].environmentFiles[0].type", "must be s3"},
		{"EnvironmentFileExtension", validFargate, func(in *ecs.RegisterTaskDefinitionInput) {
			c0(in).EnvironmentFiles = []types.EnvironmentFile{{Type: types.EnvironmentFileTypeS3, Value: aws.String("arn:aws:s3:::b/a.txt")}}
		}, "containerDefinitions[0].environmentFiles[0].value", ".env extension"},
		{"SecretValueFromRequired", validFargate, func(in *ecs.RegisterTaskDefinitionInput) {
			c0(in).Secrets = []types.Secret{{Name: aws.String("DB")}}
		}, "containerDefinitions[0].secrets[0].valueFrom", "is required"},
		{"SecretNameDuplicate", validFargate, func(in *ecs.RegisterTaskDefinitionInput) {
			c0(in).Secrets = []types.Secret{{Name: aws.String("DB"), ValueFrom: aws.String("a")}, {Name: aws.String("DB"), ValueFrom: aws.String("b")}}
		}, "containerDefinitions[0].secrets[1].name", "duplicate secret name"},
		{"SecretsNeedExecutionRole", validEC2, func(in *ecs.RegisterTaskDefinitionInput) {
			c0(in).Secrets = []types.Secret{{Name: aws.String("DB"), ValueFrom: aws.String("arn:aws:ssm:us-east-1:123456789012:parameter/db")}}
		}, "executionRoleArn", "When you are specifying container secrets, you must also specify a value for 'executionRoleArn'."},
		{"FargateAwslogsNeedsExecutionRole", validFargate, func(in *ecs.RegisterTaskDefinitionInput) {
			in.ExecutionRoleArn = nil
			c0(in).Image = aws.String("nginx")
			c0(in).LogConfiguration = AWSLogs("/ecs/web", "us-east-1", "web")
		}, "executionRoleArn", "Fargate requires task definition to have execution role ARN to support log driver awslogs."},
		{"FargateECRNeedsExecutionRole", validFargate, func(in *ecs.RegisterTaskDefinitionInput) { in.ExecutionRoleArn = nil }, "executionRoleArn",
			"Fargate requires task definition to have execution role ARN to support ECR images."},
		{"LogDriverRequired", validEC2, func(in *ecs.RegisterTaskDefinitionInput) { c0(in).LogConfiguration = &types.LogConfiguration{} }, "containerDefinitions[0].logConfiguration.logDriver", "is required"},
		{"LogDriverEnum", validEC2, func(in *ecs.RegisterTaskDefinitionInput) {
			c0(in).LogConfiguration = &types.LogConfiguration{LogDriver: "stdout"}
		}, "containerDefinitions[0].logConfiguration.logDriver", "must be one of"},
		{"FargateLogDrivers", validFargate, func(in *ecs.RegisterTaskDefinitionInput) {
			c0(in).LogConfiguration = &types.LogConfiguration{LogDriver: types.LogDriverSyslog}
		}, "containerDefinitions[0].logConfiguration.logDriver", "Fargate supports only"},
		{"AwslogsGroupRequired", validEC2, func(in *ecs.RegisterTaskDefinitionInput) { c0(in).LogConfiguration = AWSLogs("", "us-east-1", "") }, "containerDefinitions[0].logConfiguration.options.awslogs-group", "is required"},
		{"AwslogsRegionRequired", validEC2, func(in *ecs.RegisterTaskDefinitionInput) { c0(in).LogConfiguration = AWSLogs("g", "", "") }, "containerDefinitions[0].logConfiguration.options.awslogs-region", "is required"},
		{"FargateAwslogsStreamPrefix", validFargate, func(in *ecs.RegisterTaskDefinitionInput) {
			c0(in).LogConfiguration = AWSLogs("/ecs/web", "us-east-1", "")
		}, "containerDefinitions[0].logConfiguration.options.awslogs-stream-prefix", "is required for the awslogs driver on Fargate"},
		{"MountPointVolumeExists", validEC2, func(in *ecs.RegisterTaskDefinitionInput) {
			c0(in).MountPoints = []types.MountPoint{{SourceVolume: aws.String("data"), ContainerPath: aws.String("/data")}}
		}, "containerDefinitions[0].mountPoints[0].sourceVolume", `names no volume in this task definition: "data"`},
		{"MountPointContainerPath", validEC2, func(in *ecs.RegisterTaskDefinitionInput) {
			in.Volumes = []types.Volume{{Name: aws.String("data")}}
			c0(in).MountPoints = []types.MountPoint{{SourceVolume: aws.String("data")}}
		}, "containerDefinitions[0].mountPoints[0].containerPath", "is required"},
		{"VolumesFromExistingContainer", validEC2, func(in *ecs.RegisterTaskDefinitionInput) {
			c0(in).VolumesFrom = []types.VolumeFrom{{SourceContainer: aws.String("ghost")}}
		}, "containerDefinitions[0].volumesFrom[0].sourceContainer", "names no container"},
		{"UlimitNameEnum", validEC2, func(in *ecs.RegisterTaskDefinitionInput) {
			c0(in).Ulimits = []types.Ulimit{{Name: "files", SoftLimit: 1, HardLimit: 2}}
		}, "containerDefinitions[0].ulimits[0].name", "must be one of"},
		{"UlimitSoftWithinHard", validEC2, func(in *ecs.RegisterTaskDefinitionInput) {
			c0(in).Ulimits = []types.Ulimit{{Name: types.UlimitNameNofile, SoftLimit: 4096, HardLimit: 1024}}
		}, "containerDefinitions[0].ulimits[0].softLimit", "must not exceed hardLimit 1024"},
		{"FargateStopTimeoutMax", validFargate, func(in *ecs.RegisterTaskDefinitionInput) { c0(in).StopTimeout = aws.Int32(121) }, "containerDefinitions[0].stopTimeout", "between 0 and 120"},
		{"FargateNoPrivileged", validFargate, func(in *ecs.RegisterTaskDefinitionInput) { c0(in).Privileged = aws.Bool(true) }, "containerDefinitions[0].privileged", "not supported on Fargate"},
		{"LinksBridgeOnly", validFargate, func(in *ecs.RegisterTaskDefinitionInput) { c0(in).Links = []string{"sidecar"} }, "containerDefinitions[0].links", "not supported with networkMode awsvpc (bridge only)"},
		{"LinksExistingContainer", validEC2, func(in *ecs.RegisterTaskDefinitionInput) { c0(in).Links = []string{"db:database"} }, "containerDefinitions[0].links", `links to no container in this task definition: "db"`},
		{"AwsvpcNoHostname", validFargate, func(in *ecs.RegisterTaskDefinitionInput) { c0(in).Hostname = aws.String("web") }, "containerDefinitions[0].hostname", "not supported with networkMode awsvpc"},
		{"AwsvpcNoExtraHosts", validFargate, func(in *ecs.RegisterTaskDefinitionInput) {
			c0(in).ExtraHosts = []types.HostEntry{{Hostname: aws.String("db"), IpAddress: aws.String("10.0.0.1")}}
		}, "containerDefinitions[0].extraHosts", "not supported with networkMode awsvpc"},
		{"AwsvpcNoDNSServers", validFargate, func(in *ecs.RegisterTaskDefinitionInput) { c0(in).DnsServers = []string{"10.0.0.2"} }, "containerDefinitions[0].dnsServers", "not supported"},
		{"FargateWindowsMinimumCPU", validFargate, func(in *ecs.RegisterTaskDefinitionInput) {
			in.RuntimePlatform = &types.RuntimePlatform{OperatingSystemFamily: types.OSFamilyWindowsServer2022Core, CpuArchitecture: types.CPUArchitectureX8664}
		}, "cpu", "Windows on Fargate needs at least 1024"},
		{"TaskPlacementConstraintType", validEC2, func(in *ecs.RegisterTaskDefinitionInput) {
			in.PlacementConstraints = []types.TaskDefinitionPlacementConstraint{{Type: "distinctInstance", Expression: aws.String("x")}}
		}, "placementConstraints[0].type", "must be memberOf"},
		{"TaskPlacementConstraintExpression", validEC2, func(in *ecs.RegisterTaskDefinitionInput) {
			in.PlacementConstraints = []types.TaskDefinitionPlacementConstraint{{Type: types.TaskDefinitionPlacementConstraintTypeMemberOf}}
		}, "placementConstraints[0].expression", "is required for memberOf"},
		{"FargateNoTaskPlacementConstraints", validFargate, func(in *ecs.RegisterTaskDefinitionInput) {
			in.PlacementConstraints = []types.TaskDefinitionPlacementConstraint{{Type: types.TaskDefinitionPlacementConstraintTypeMemberOf, Expression: aws.String("attribute:x == y")}}
		}, "placementConstraints", "not supported on Fargate"},
		{"SizeQuota64KiB", validEC2, func(in *ecs.RegisterTaskDefinitionInput) {
			c0(in).Command = []string{strings.Repeat("x", MaxTaskDefinitionSize)}
		}, "taskDefinition", "64 KiB"},
	}
	seen := map[string]bool{}
	for _, tt := range tests {
		if seen[tt.name] {
			t.Fatalf("duplicate case %s", tt.name)
		}
		seen[tt.name] = true
		t.Run(tt.name, func(t *testing.T) {
			in := tt.base()
			if err := ValidateTaskDefinitionInput(in); err != nil {
				t.Fatalf("base not valid: %v", err)
			}
			tt.edit(in)
			assertProblem(t, ValidateTaskDefinitionInput(in), tt.field, tt.rule)
		})
	}
	if len(tests) < 40 {
		t.Errorf("only %d invalid cases", len(tests))
	}
}

func TestValidateTaskDefinitionInputReportsAllProblems(t *testing.T) {
	in := validFargate()
	in.Family = aws.String("bad name")
	in.ContainerDefinitions[0].Image = nil
	in.ContainerDefinitions[0].PortMappings[0].HostPort = aws.Int32(81)
	in.ContainerDefinitions[1].Name = aws.String("web")
	got := problemList(t, ValidateTaskDefinitionInput(in))
	want := []string{"family", "containerDefinitions[0].image", "containerDefinitions[0].portMappings[0].hostPort", "containerDefinitions[1].name"}
	if len(got) != len(want) {
		t.Fatalf("got %d problems %v, want %d", len(got), got, len(want))
	}
	for i, w := range want {
		if got[i].Field != w {
			t.Errorf("problem %d field = %s, want %s", i, got[i].Field, w)
		}
	}
}

func TestValidateTaskDefinitionInputNil(t *testing.T) {
	assertProblem(t, ValidateTaskDefinitionInput(nil), "taskDefinition", "must not be nil")
	assertProblem(t, ValidateTaskDefinitionInput(&ecs.RegisterTaskDefinitionInput{}), "family", "is required")
}

func TestFargateSizeValid(t *testing.T) {
	tests := []struct {
		cpu, mem int32
		want     bool
	}{
		{256, 512, true}, {256, 1024, true}, {256, 2048, true}, {256, 3072, false},
		{512, 1024, true}, {512, 4096, true}, {512, 5120, false}, {512, 1536, false},
		{1024, 2048, true}, {1024, 8192, true}, {1024, 1024, false},
		{2048, 16384, true}, {4096, 30720, true}, {4096, 31744, false},
		{8192, 16384, true}, {8192, 20480, true}, {8192, 61440, true}, {8192, 17408, false},
		{16384, 32768, true}, {16384, 40960, true}, {16384, 122880, true}, {16384, 36864, false},
		{128, 512, false}, {0, 0, false},
	}
	for _, tt := range tests {
		if got := FargateSizeValid(tt.cpu, tt.mem); got != tt.want {
			t.Errorf("FargateSizeValid(%d, %d) = %v, want %v", tt.cpu, tt.mem, got, tt.want)
		}
	}
}
