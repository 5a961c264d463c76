package main

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// -eventual-consistency turns on fake.WithEventualConsistency: a service
// just created answers MISSING to DescribeServices until its (seeded) lag
// has passed in virtual time.
func TestEventualConsistencyFlagLagsReads(t *testing.T) {
	s := start(t, "-addr", "127.0.0.1:0", "-speed", "0", "-eventual-consistency", "1m", "-seed", "3")
	c := s.client()
	ctx := t.Context()
	reg, err := c.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("web"),
		NetworkMode: types.NetworkModeAwsvpc, Cpu: aws.String("256"), Memory: aws.String("512"),
		RequiresCompatibilities: []types.Compatibility{types.CompatibilityFargate},
		ContainerDefinitions:    []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("img")}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.CreateService(ctx, &ecs.CreateServiceInput{ServiceName: aws.String("web"), TaskDefinition: reg.TaskDefinition.TaskDefinitionArn,
		DesiredCount: aws.Int32(1), LaunchType: types.LaunchTypeFargate,
		NetworkConfiguration: &types.NetworkConfiguration{AwsvpcConfiguration: &types.AwsVpcConfiguration{Subnets: []string{"subnet-1"}}}}); err != nil {
		t.Fatal(err)
	}
	seen := func() bool {
		out, err := c.DescribeServices(ctx, &ecs.DescribeServicesInput{Services: []string{"web"}})
		if err != nil {
			t.Fatal(err)
		}
		return len(out.Services) == 1
	}
	if seen() {
		t.Fatalf("service visible at once with -eventual-consistency 1m (seed 3)")
	}
	resp, err := http.Post(s.url+"/_fake/v1/advance", "application/json", strings.NewReader(`{"duration":"61s"}`))
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("advance: %v %v", err, resp)
	}
	resp.Body.Close()
	if !seen() {
		t.Fatalf("service still MISSING after the longest lag")
	}
}
