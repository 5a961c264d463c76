package chaos

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake"
)

// Cluster is the name of the cluster Run builds.
const Cluster = "chaos"

// deployConfigs are the deployment configurations services get; each
// allows progress for every desiredCount the runner uses (see feasible).
var deployConfigs = [][2]int32{{100, 200}, {50, 200}, {50, 150}, {0, 100}, {75, 150}, {100, 150}}

// svcState is what the runner intends for one service.
type svcState struct {
	name, family string
	healthCheck  bool
	spot         bool  // on the Fargate Spot strategy (capacity.go)
	fargate      bool  // on the FARGATE launch type (some blue/green services: bluegreen.go)
	asg          bool  // on the managed-scaling Auto Scaling group provider (capacity.go)
	base         int32 // initial desiredCount
	desired      int32
	minPct       int32
	maxPct       int32
	version      int        // image version of the next revision
	intended     string     // task definition ARN last asked for
	tg           string     // target group ARN when behind a load balancer (lb.go)
	bg           *bgTraffic // a blue/green service's groups and rules (bluegreen.go)
	// scaling services have a scalable target [minCap, maxCap] (scaling.go).
	scaling        bool
	minCap, maxCap int32
}

// feasible reports whether a deployment can make progress: it may start a
// task above desired, or stop one below it.
func feasible(desired, minPct, maxPct int32) bool {
	return maxTasks(desired, maxPct) > desired || minHealthy(desired, minPct) < desired
}

// registerRevision registers the next revision of s's family with image
// tag tag and returns its ARN.
func (r *runner) registerRevision(ctx context.Context, s *svcState, tag string) (string, error) {
	c := types.ContainerDefinition{
		Name:        aws.String("app"),
		Image:       aws.String(fmt.Sprintf("registry.example/%s:%s", s.family, tag)),
		Memory:      aws.Int32(64),
		Cpu:         32,
		Environment: []types.KeyValuePair{{Name: aws.String("VERSION"), Value: aws.String(tag)}},
	}
	if s.tg != "" {
		c.PortMappings = []types.PortMapping{{ContainerPort: aws.Int32(80)}} // a dynamic host port
	}
	if s.healthCheck {
		c.HealthCheck = &types.HealthCheck{Command: []string{"CMD-SHELL", "true"}, Interval: aws.Int32(10), Timeout: aws.Int32(2), Retries: aws.Int32(2)}
	}
	var arn string
	err := r.call(ctx, "RegisterTaskDefinition", func() error {
		in := &ecs.RegisterTaskDefinitionInput{Family: aws.String(s.family), ContainerDefinitions: []types.ContainerDefinition{c}}
		if s.spot || s.fargate {
			in.NetworkMode, in.Cpu, in.Memory = types.NetworkModeAwsvpc, aws.String("256"), aws.String("512")
			in.RequiresCompatibilities = []types.Compatibility{types.CompatibilityFargate}
		}
		out, err := r.e.RegisterTaskDefinition(ctx, in)
		if err == nil {
			arn = aws.ToString(out.TaskDefinition.TaskDefinitionArn)
		}
		return err
	})
	if err == nil {
		r.taskDefs = append(r.taskDefs, arn)
	}
	return arn, err
}

// build creates the cluster, instances, task definitions and services.
func (r *runner) build(ctx context.Context) error {
	cc := &ecs.CreateClusterInput{ClusterName: aws.String(Cluster)}
	if r.cfg.SpotEvery > 0 {
		cc.CapacityProviders = []string{"FARGATE", "FARGATE_SPOT"}
	}
	if _, err := r.e.CreateCluster(ctx, cc); err != nil {
		return err
	}
	if r.cfg.ManagedScalingEvery > 0 {
		if err := r.buildManagedScaling(ctx); err != nil { // capacity.go
			return err
		}
	}
	for range r.cfg.Instances {
		if err := r.addInstance(); err != nil {
			return err
		}
	}
	per := int32(r.cfg.Tasks / r.cfg.Services)
	for i := range r.cfg.Services {
		s := &svcState{name: fmt.Sprintf("svc-%02d", i), family: fmt.Sprintf("fam-%02d", i), healthCheck: i%2 == 1,
			base: max(1, per+int32(r.rng.IntN(5))-2), version: 1, spot: r.cfg.spotService(i)}
		s.desired = s.base
		s.asg = r.cfg.managedScalingService(i)
		if !s.spot && !s.asg && every(r.cfg.LoadBalancerEvery, i) {
			tg, err := r.targetGroup(ctx, i)
			if err != nil {
				return err
			}
			s.tg = tg
		}
		cfg := deployConfigs[r.rng.IntN(len(deployConfigs))]
		s.minPct, s.maxPct = cfg[0], cfg[1]
		scaled := every(r.cfg.ScalingEvery, i)
		if !feasible(s.desired, s.minPct, s.maxPct) || scaled { // a scaler may pick any count
			s.minPct, s.maxPct = 100, 200
		}
		arn, err := r.registerRevision(ctx, s, "1")
		if err != nil {
			return err
		}
		s.intended = arn
		in := &ecs.CreateServiceInput{
			Cluster: aws.String(Cluster), ServiceName: aws.String(s.name), TaskDefinition: aws.String(arn),
			DesiredCount: aws.Int32(s.desired), LaunchType: types.LaunchTypeEc2,
			DeploymentConfiguration: &types.DeploymentConfiguration{
				MinimumHealthyPercent:    aws.Int32(s.minPct),
				MaximumPercent:           aws.Int32(s.maxPct),
				DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: true, Rollback: i%3 != 0},
			},
		}
		if scaled {
			in.DeploymentConfiguration.Alarms = deploymentAlarms(s.name) // scaling.go
		}
		if s.spot {
			in.LaunchType, in.CapacityProviderStrategy, in.NetworkConfiguration = "", spotStrategy, spotNetwork
		}
		if s.asg {
			in.LaunchType, in.CapacityProviderStrategy = "", asgStrategy
		}
		if s.healthCheck && i%4 == 1 {
			in.HealthCheckGracePeriodSeconds = aws.Int32(30)
		}
		if s.tg != "" {
			in.LoadBalancers = []types.LoadBalancer{{TargetGroupArn: aws.String(s.tg), ContainerName: aws.String("app"), ContainerPort: aws.Int32(80)}}
		}
		if _, err := r.e.CreateService(ctx, in); err != nil {
			return fmt.Errorf("CreateService %s: %w", s.name, err)
		}
		if scaled {
			if err := r.scalingTarget(ctx, s); err != nil {
				return err
			}
		}
		r.services = append(r.services, s)
		r.names = append(r.names, s.name)
		if s.healthCheck {
			if r.checked == nil {
				r.checked = map[string]bool{}
			}
			r.checked[s.name] = true
		}
	}
	return r.buildBlueGreen(ctx) // bluegreen.go
}

// addInstance registers one more container instance (an Auto Scaling
// group replacing lost capacity).
func (r *runner) addInstance() error {
	arn, err := r.e.AddInstance(Cluster, fake.InstanceSpec{})
	if err == nil {
		r.instances = append(r.instances, arn)
	}
	return err
}
