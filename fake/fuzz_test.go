package fake

import (
	"context"
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// fuzzCall decodes data into a fresh input and calls op with it.
func fuzzCall[In any, Out any](data []byte, op func(context.Context, *In, ...func(*ecs.Options)) (Out, error)) error {
	in := new(In)
	if json.Unmarshal(data, in) != nil {
		return nil
	}
	_, err := op(context.Background(), in)
	return err
}

// fuzzOps are the request paths the fuzzer drives, indexed by op byte.
func fuzzOps(e *ECS) []func([]byte) error {
	return []func([]byte) error{
		func(d []byte) error { return fuzzCall(d, e.RunTask) },
		func(d []byte) error { return fuzzCall(d, e.StartTask) },
		func(d []byte) error { return fuzzCall(d, e.StopTask) },
		func(d []byte) error { return fuzzCall(d, e.DescribeTasks) },
		func(d []byte) error { return fuzzCall(d, e.ListTasks) },
		func(d []byte) error { return fuzzCall(d, e.RegisterTaskDefinition) },
		func(d []byte) error { return fuzzCall(d, e.DescribeTaskDefinition) },
		func(d []byte) error { return fuzzCall(d, e.DeregisterTaskDefinition) },
		func(d []byte) error { return fuzzCall(d, e.DeleteTaskDefinitions) },
		func(d []byte) error { return fuzzCall(d, e.ListTaskDefinitions) },
		func(d []byte) error { return fuzzCall(d, e.ListTaskDefinitionFamilies) },
		func(d []byte) error { return fuzzCall(d, e.CreateCluster) },
		func(d []byte) error { return fuzzCall(d, e.DescribeClusters) },
		func(d []byte) error { return fuzzCall(d, e.DeleteCluster) },
		func(d []byte) error { return fuzzCall(d, e.ListClusters) },
		func(d []byte) error { return fuzzCall(d, e.RegisterContainerInstance) },
		func(d []byte) error { return fuzzCall(d, e.DescribeContainerInstances) },
		func(d []byte) error { return fuzzCall(d, e.ListContainerInstances) },
		func(d []byte) error { return fuzzCall(d, e.UpdateContainerInstancesState) },
		func(d []byte) error { return fuzzCall(d, e.DeregisterContainerInstance) },
		func(d []byte) error { return fuzzCall(d, e.TagResource) },
		func(d []byte) error { return fuzzCall(d, e.UntagResource) },
		func(d []byte) error { return fuzzCall(d, e.ListTagsForResource) },
	}
}

// snapshot is the part of the state an invalid request must not change.
func snapshot(e *ECS) (tasks, families, clusters, instances int) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for _, f := range e.families {
		families += len(f.revs)
	}
	return e.tasks.len(), families, len(e.clusters), len(e.instances)
}

// FuzzRequests sends arbitrary JSON requests down every request path: none
// may panic, a failed request leaves the state unchanged, and instance
// resources never go negative.
func FuzzRequests(f *testing.F) {
	f.Add(uint8(0), []byte(`{"TaskDefinition":"web","Count":3}`))
	f.Add(uint8(0), []byte(`{"TaskDefinition":"web","Count":2,"PlacementConstraints":[{"Type":"memberOf","Expression":"attribute:ecs.availability-zone in [us-east-1a, us-east-1b]"}],"PlacementStrategy":[{"Type":"spread","Field":"instanceId"}]}`))
	f.Add(uint8(0), []byte(`{"TaskDefinition":"web:1","Overrides":{"Cpu":"1 vCPU","ContainerOverrides":[{"Name":"app","Memory":-5}]}}`))
	f.Add(uint8(2), []byte(`{"Task":"0123456789abcdef0123456789abcdef","Reason":"x"}`))
	f.Add(uint8(3), []byte(`{"Tasks":["arn:aws:ecs:us-east-1:123456789012:task/default/abc"]}`))
	f.Add(uint8(4), []byte(`{"NextToken":"MTA","MaxResults":1}`))
	f.Add(uint8(5), []byte(`{"Family":"x","Cpu":"0.5 vCPU","ContainerDefinitions":[{"Name":"a","Image":"i","PortMappings":[{"ContainerPort":80,"HostPort":80}]}]}`))
	f.Add(uint8(8), []byte(`{"TaskDefinitions":["web:1","arn:aws:ecs:us-east-1:123456789012:task-definition/web:99"]}`))
	f.Add(uint8(17), []byte(`{"Filter":"(attribute:a == b or task:group exists) and ec2InstanceId != i-1"}`))
	f.Add(uint8(20), []byte(`{"ResourceArn":"arn:aws:ecs:us-east-1:123456789012:cluster/default","Tags":[{"Key":"k","Value":"v"}]}`))
	f.Fuzz(func(t *testing.T, op uint8, data []byte) {
		e := newCluster(t, 3)
		register(t, e, &ecsRegisterWeb)
		run(t, e, &ecs.RunTaskInput{TaskDefinition: aws.String("web"), Count: aws.Int32(2)})
		ops := fuzzOps(e)
		t0, f0, c0, i0 := snapshot(e)
		err := ops[int(op)%len(ops)](data)
		if err != nil {
			if t1, f1, c1, i1 := snapshot(e); t1 != t0 || f1 != f0 || c1 != c0 || i1 != i0 {
				t.Fatalf("failed request changed state: %v", err)
			}
		}
		e.Advance(2 * time.Hour)
		e.mu.Lock()
		defer e.mu.Unlock()
		for _, in := range e.instances {
			if in.cpuFree < 0 || in.memFree < 0 || in.cpuFree > in.cpuTotal || in.memFree > in.memTotal {
				t.Fatalf("instance resources out of range: cpu %d/%d mem %d/%d", in.cpuFree, in.cpuTotal, in.memFree, in.memTotal)
			}
		}
	})
}

var ecsRegisterWeb = *tdWith("web", 256, aws.Int32(512), nil, pm(80, 0))
