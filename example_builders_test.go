package ecsdeploy_test

import (
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy"
)

// The seed's task definition: Fargate family "web", 256 CPU units, 512 MiB,
// one container from an ECR image listening on port 80.
func ExampleNewTaskDefinition() {
	td, err := ecsdeploy.NewTaskDefinition("web").
		Fargate().CPU(256).Memory(512).
		ExecutionRole("arn:aws:iam::123456789012:role/ecsTaskExecutionRole").
		Container(ecsdeploy.NewContainer("web", "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4.2").
			Port(80).Env("MODE", "prod").Logs(ecsdeploy.AWSLogs("/ecs/web", "us-east-1", "web")).
			HealthCheck("CMD-SHELL", "curl -f http://localhost/ || exit 1")).
		Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	c := td.ContainerDefinitions[0]
	fmt.Println(*td.Family, td.NetworkMode, *td.Cpu, *td.Memory)
	fmt.Println(*c.Name, *c.PortMappings[0].ContainerPort, *c.HealthCheck.Interval)
	// Output:
	// web awsvpc 256 512
	// web 80 30
}

// Build reports every problem at once, each naming its field and rule.
func ExampleTaskDefinitionBuilder_Build_errors() {
	_, err := ecsdeploy.NewTaskDefinition("web").
		Fargate().CPUString("0.25 vCPU").MemoryString("4 GB").
		Container(ecsdeploy.NewContainer("web", "nginx:1.25").HostPort(80, 8080)).
		Container(ecsdeploy.NewContainer("web", "")).
		Build()
	fmt.Println(err)
	var ve *ecsdeploy.ValidationError
	fmt.Println(errors.As(err, &ve), ve.Field)
	// Output:
	// cpu: Invalid 'cpu' setting for task. 256 CPU units with 4096 MiB is not a Fargate task size
	// containerDefinitions[0].portMappings[0].hostPort: When networkMode=awsvpc, the host ports and container ports in port mappings must match. (hostPort 8080, containerPort 80)
	// containerDefinitions[1].name: duplicate container name "web" (also containerDefinitions[0])
	// containerDefinitions[1].image: Container.image should not be null or empty.
	// true cpu
}

func ExampleNewContainer() {
	c := ecsdeploy.NewContainer("envoy", "public.ecr.aws/appmesh/aws-appmesh-envoy:v1.29.6.0-prod").
		Essential(false).MemoryReservation(256).
		HealthCheck("CMD-SHELL", "curl -s http://localhost:9901/ready").HealthCheckTiming(5, 2, 3, 10).
		Ulimit(types.UlimitNameNofile, 15000, 15000)
	d := c.Definition()
	fmt.Println(*d.Name, *d.Essential, *d.MemoryReservation, *d.HealthCheck.StartPeriod, d.Ulimits[0].Name)
	// Output: envoy false 256 10 nofile
}

func ExampleNewService() {
	svc := ecsdeploy.NewService("web").Cluster("prod").TaskDefinition("web:3").DesiredCount(4).Fargate().
		Network([]string{"subnet-0a1b2c"}, []string{"sg-0d4e5f"}, false).
		LoadBalancer("arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/web/0123456789abcdef", "web", 80).
		Deployment(50, 200).CircuitBreaker(true)
	in, err := svc.Build()
	if err != nil {
		fmt.Println(err)
		return
	}
	dc := in.DeploymentConfiguration
	fmt.Println(*in.ServiceName, *in.DesiredCount, in.LaunchType, *dc.MinimumHealthyPercent, *dc.MaximumPercent, dc.DeploymentCircuitBreaker.Rollback)
	up, _ := svc.DesiredCount(6).UpdateInput()
	fmt.Println(*up.Service, *up.TaskDefinition, *up.DesiredCount)
	// Output:
	// web 4 FARGATE 50 200 true
	// web web:3 6
}

func ExampleDiff() {
	build := func(image string, env ...string) *ecsdeploy.TaskDefinitionBuilder {
		c := ecsdeploy.NewContainer("web", image).Memory(256)
		for i := 0; i+1 < len(env); i += 2 {
			c.Env(env[i], env[i+1])
		}
		return ecsdeploy.NewTaskDefinition("web").Container(c)
	}
	a, _ := build("nginx:1.25", "A", "1", "B", "2").Build()
	b, _ := build("nginx:1.25", "B", "2", "A", "1").Build() // same, env reordered
	c, _ := build("nginx:1.27", "A", "1", "B", "3").Build()
	fmt.Printf("%q\n", ecsdeploy.Diff(a, b))
	fmt.Println(ecsdeploy.Diff(a, c))
	// Output:
	// ""
	// containerDefinitions[web].environment[B].value: "2" -> "3"
	// containerDefinitions[web].image: "nginx:1.25" -> "nginx:1.27"
}

func ExampleLoadTaskDefinitionJSON() {
	described := []byte(`{"taskDefinition": {
		"taskDefinitionArn": "arn:aws:ecs:us-east-1:123456789012:task-definition/web:7",
		"family": "web", "revision": 7, "status": "ACTIVE", "registeredAt": 1716239022.123,
		"containerDefinitions": [{"name": "web", "image": "nginx:1.25", "memory": 128}]}}`)
	td, err := ecsdeploy.LoadTaskDefinitionJSON(described)
	if err != nil {
		fmt.Println(err)
		return
	}
	out, _ := ecsdeploy.MarshalTaskDefinitionJSON(td)
	fmt.Print(string(out))

	_, err = ecsdeploy.LoadTaskDefinitionJSON([]byte(`{"family": "web", "containerDefinitions": [{"name": "web", "imag": "nginx"}]}`))
	fmt.Println(err)
	// Output:
	// {
	//   "containerDefinitions": [
	//     {
	//       "cpu": 0,
	//       "image": "nginx:1.25",
	//       "memory": 128,
	//       "name": "web"
	//     }
	//   ],
	//   "family": "web"
	// }
	// containerDefinitions[0].imag: unknown field (not in the ECS task definition model)
}
