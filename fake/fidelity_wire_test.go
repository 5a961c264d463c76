package fake_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

// The Go SDK (service/ecs v1.105) models thresholdConfiguration and
// resetOnHealthyTask: sent over the wire they are stored and echoed.
// (botocore 1.43 and AWS CLI v1 1.45 do not model them, so those clients
// refuse the parameters themselves; docs/fidelity.md.)
func TestCircuitBreakerThresholdConfigurationOverTheWire(t *testing.T) {
	srv := faketest.NewServer(t)
	ctx := t.Context()
	if _, err := srv.Client.CreateCluster(ctx, &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	reg, err := srv.Client.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("web"),
		NetworkMode: types.NetworkModeAwsvpc, Cpu: aws.String("256"), Memory: aws.String("512"),
		RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		ContainerDefinitions:    []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("img")}}})
	if err != nil {
		t.Fatal(err)
	}
	out, err := srv.Client.CreateService(ctx, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: reg.TaskDefinition.TaskDefinitionArn,
		DesiredCount: aws.Int32(1), LaunchType: types.LaunchTypeFargate,
		NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{"subnet-1"}}},
		DeploymentConfiguration: &types.DeploymentConfiguration{DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: true, Rollback: true,
			ResetOnHealthyTask:     aws.Bool(false),
			ThresholdConfiguration: &types.ThresholdConfiguration{Type: types.ThresholdTypeUnboundedPercent, Value: 10}}}})
	if err != nil {
		t.Fatal(err)
	}
	cb := out.Service.DeploymentConfiguration.DeploymentCircuitBreaker
	if cb.ResetOnHealthyTask == nil || *cb.ResetOnHealthyTask || cb.ThresholdConfiguration == nil ||
		cb.ThresholdConfiguration.Type != types.ThresholdTypeUnboundedPercent || cb.ThresholdConfiguration.Value != 10 {
		t.Fatalf("circuit breaker echoed as %+v", cb)
	}
}
