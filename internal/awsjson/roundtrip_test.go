package awsjson

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/google/go-cmp/cmp"
)

type roundTripCase struct {
	op  string
	run func(t *testing.T, c *ecs.Client, r *recorder)
}

// roundTrip fills every member of I and O, sends I through the SDK's serializer to the handler
// (which decodes it with Unmarshal) and answers O with Marshal for the SDK's deserializer to read.
func roundTrip[I, O any](op string, call func(*ecs.Client, context.Context, *I, ...func(*ecs.Options)) (*O, error)) roundTripCase {
	return roundTripCase{op: op, run: func(t *testing.T, c *ecs.Client, r *recorder) {
		in, out := filled[I](14), filled[O](14)
		r.mu.Lock()
		r.outs[op] = out
		r.mu.Unlock()
		got, err := call(c, t.Context(), in)
		if err != nil {
			t.Fatalf("%s: %v", op, err)
		}
		r.mu.Lock()
		gotIn := r.ins[op]
		r.mu.Unlock()
		if diff := cmp.Diff(in, gotIn, sdkOpts); diff != "" {
			t.Errorf("%s input: SDK serializer -> Unmarshal differs (-sent +decoded):\n%s", op, diff)
		}
		if diff := cmp.Diff(out, got, sdkOpts); diff != "" {
			t.Errorf("%s output: Marshal -> SDK deserializer differs (-served +received):\n%s", op, diff)
		}
	}}
}

func TestRoundTripThroughSDKClient(t *testing.T) {
	cases := []roundTripCase{
		roundTrip("RegisterTaskDefinition", (*ecs.Client).RegisterTaskDefinition),
		roundTrip("DescribeTaskDefinition", (*ecs.Client).DescribeTaskDefinition),
		roundTrip("DeregisterTaskDefinition", (*ecs.Client).DeregisterTaskDefinition),
		roundTrip("ListTaskDefinitions", (*ecs.Client).ListTaskDefinitions),
		roundTrip("RunTask", (*ecs.Client).RunTask),
		roundTrip("StopTask", (*ecs.Client).StopTask),
		roundTrip("DescribeTasks", (*ecs.Client).DescribeTasks),
		roundTrip("ListTasks", (*ecs.Client).ListTasks),
		roundTrip("CreateService", (*ecs.Client).CreateService),
		roundTrip("UpdateService", (*ecs.Client).UpdateService),
		roundTrip("DescribeServices", (*ecs.Client).DescribeServices),
		roundTrip("DeleteService", (*ecs.Client).DeleteService),
		roundTrip("ListServices", (*ecs.Client).ListServices),
		roundTrip("CreateCluster", (*ecs.Client).CreateCluster),
		roundTrip("DescribeClusters", (*ecs.Client).DescribeClusters),
		roundTrip("ListClusters", (*ecs.Client).ListClusters),
		roundTrip("RegisterContainerInstance", (*ecs.Client).RegisterContainerInstance),
		roundTrip("DescribeContainerInstances", (*ecs.Client).DescribeContainerInstances),
		roundTrip("TagResource", (*ecs.Client).TagResource),
	}
	r := newRecorder()
	c, _ := newClient(t, r, WithDisallowUnknownFields())
	for _, tc := range cases {
		t.Run(tc.op, func(t *testing.T) { tc.run(t, c, r) })
	}
}
