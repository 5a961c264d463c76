package chaos

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/ecsdeploy/ecsdeploy/fake"
)

// Observe takes a Snapshot of cluster in e: the named services through
// DescribeServices (10 at a time, as ECS allows) and every task the fake
// remembers. Faults injected with FailOperation on DescribeServices make it
// fail.
func Observe(ctx context.Context, e *fake.ECS, cluster string, services []string) (Snapshot, error) {
	s := Snapshot{Now: e.Now()}
	for i := 0; i < len(services); i += 10 {
		out, err := e.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String(cluster), Services: services[i:min(i+10, len(services))]})
		if err != nil {
			return s, fmt.Errorf("observe: DescribeServices: %w", err)
		}
		s.Services = append(s.Services, out.Services...)
		for _, f := range out.Failures {
			s.Missing = append(s.Missing, aws.ToString(f.Arn)+" "+aws.ToString(f.Reason))
		}
	}
	s.Tasks = e.Tasks(cluster)
	s.LoadBalanced = e.LoadBalancedTasks(cluster)
	return s, nil
}
