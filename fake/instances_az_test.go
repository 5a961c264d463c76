package fake

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// An instance spec may name its AZ as the ecs.availability-zone attribute
// rather than as AZ: the instance's AZ is then that attribute, as
// DescribeContainerInstances shows it, and a task placed on it runs there.
func TestInstanceAZFromSpecAttribute(t *testing.T) {
	e := New(WithTiming(fastTiming), WithAvailabilityZones("us-east-1a", "us-east-1b"))
	if _, err := e.CreateCluster(bg, &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	arn, err := e.AddInstance("default", InstanceSpec{CPU: 2048, Memory: 4096,
		Attributes: map[string]string{"ecs.availability-zone": "us-east-1b"}})
	if err != nil {
		t.Fatal(err)
	}
	di, err := e.DescribeContainerInstances(bg, &ecs.DescribeContainerInstancesInput{ContainerInstances: []string{arn}})
	if err != nil || len(di.ContainerInstances) != 1 {
		t.Fatal(di, err)
	}
	shown := ""
	for _, a := range di.ContainerInstances[0].Attributes {
		if aws.ToString(a.Name) == "ecs.availability-zone" {
			shown = aws.ToString(a.Value)
		}
	}
	if shown != "us-east-1b" {
		t.Fatalf("instance shows ecs.availability-zone %q, want us-east-1b", shown)
	}
	out, err := e.RunTask(bg, &ecs.RunTaskInput{TaskDefinition: aws.String(register(t, e, tdWith("w", 256, aws.Int32(256), nil)))})
	if err != nil || len(out.Tasks) != 1 {
		t.Fatal(out, err)
	}
	if az := aws.ToString(out.Tasks[0].AvailabilityZone); az != shown {
		t.Errorf("task placed on an instance in %s runs in AZ %q", shown, az)
	}
}
