package ecsdeploy

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// SCRIPTED TEST DOUBLE (this round only): a tiny API whose answers the
// test scripts; the real behaviour is checked by ecsdeploytest.Run
// against the fake. Methods not scripted panic through the nil API.
type scripted struct {
	API
	mu       sync.Mutex
	calls    map[string]int
	services func(n int) (*ecs.DescribeServicesOutput, error) // n: 0-based call number
	update   func(in *ecs.UpdateServiceInput) (*ecs.UpdateServiceOutput, error)
	describe func(in *ecs.DescribeTaskDefinitionInput) (*ecs.DescribeTaskDefinitionOutput, error)
	register func(in *ecs.RegisterTaskDefinitionInput) (*ecs.RegisterTaskDefinitionOutput, error)
	list     func(in *ecs.ListTasksInput) (*ecs.ListTasksOutput, error)
	tasks    func(in *ecs.DescribeTasksInput) (*ecs.DescribeTasksOutput, error)
	run      func(in *ecs.RunTaskInput) (*ecs.RunTaskOutput, error)
	listTDs  func(in *ecs.ListTaskDefinitionsInput) (*ecs.ListTaskDefinitionsOutput, error)
	dereg    []string
	updates  []*ecs.UpdateServiceInput
}

func (s *scripted) count(op string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.calls == nil {
		s.calls = map[string]int{}
	}
	s.calls[op]++
	return s.calls[op] - 1
}

func (s *scripted) DescribeServices(ctx context.Context, in *ecs.DescribeServicesInput, _ ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	n := s.count("DescribeServices")
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return s.services(n)
}

func (s *scripted) UpdateService(_ context.Context, in *ecs.UpdateServiceInput, _ ...func(*ecs.Options)) (*ecs.UpdateServiceOutput, error) {
	s.count("UpdateService")
	s.updates = append(s.updates, in)
	return s.update(in)
}

func (s *scripted) DescribeTaskDefinition(_ context.Context, in *ecs.DescribeTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error) {
	s.count("DescribeTaskDefinition")
	return s.describe(in)
}

func (s *scripted) RegisterTaskDefinition(_ context.Context, in *ecs.RegisterTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.RegisterTaskDefinitionOutput, error) {
	s.count("RegisterTaskDefinition")
	return s.register(in)
}

func (s *scripted) DeregisterTaskDefinition(_ context.Context, in *ecs.DeregisterTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.DeregisterTaskDefinitionOutput, error) {
	s.count("DeregisterTaskDefinition")
	s.dereg = append(s.dereg, *in.TaskDefinition)
	return &ecs.DeregisterTaskDefinitionOutput{}, nil
}

func (s *scripted) ListTasks(_ context.Context, in *ecs.ListTasksInput, _ ...func(*ecs.Options)) (*ecs.ListTasksOutput, error) {
	s.count("ListTasks")
	if s.list == nil {
		return &ecs.ListTasksOutput{}, nil
	}
	return s.list(in)
}

func (s *scripted) DescribeTasks(_ context.Context, in *ecs.DescribeTasksInput, _ ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error) {
	s.count("DescribeTasks")
	return s.tasks(in)
}

func (s *scripted) RunTask(_ context.Context, in *ecs.RunTaskInput, _ ...func(*ecs.Options)) (*ecs.RunTaskOutput, error) {
	s.count("RunTask")
	return s.run(in)
}

func (s *scripted) ListTaskDefinitions(_ context.Context, in *ecs.ListTaskDefinitionsInput, _ ...func(*ecs.Options)) (*ecs.ListTaskDefinitionsOutput, error) {
	s.count("ListTaskDefinitions")
	return s.listTDs(in)
}

func (s *scripted) DeleteService(_ context.Context, in *ecs.DeleteServiceInput, _ ...func(*ecs.Options)) (*ecs.DeleteServiceOutput, error) {
	s.count("DeleteService")
	return &ecs.DeleteServiceOutput{}, nil
}

// stepClock is a virtual clock: Sleep advances Now at once.
type stepClock struct {
	mu  sync.Mutex
	now time.Time
}

func newStepClock() *stepClock { return &stepClock{now: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)} }

func (c *stepClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *stepClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	return nil
}

const tdArn = "arn:aws:ecs:us-east-1:123456789012:task-definition/"

func dep(id, status, td string, state types.DeploymentRolloutState, desired, running int32) types.Deployment {
	return types.Deployment{Id: ptr(id), Status: ptr(status), TaskDefinition: ptr(tdArn + td), RolloutState: state,
		DesiredCount: desired, RunningCount: running, CreatedAt: ptr(time.Unix(int64(len(id))*100+int64(id[len(id)-1]), 0))}
}

func svcWith(desired, running int32, deps ...types.Deployment) *types.Service {
	s := &types.Service{ServiceName: ptr("web"), Status: ptr("ACTIVE"), DesiredCount: desired, RunningCount: running, Deployments: deps}
	for _, d := range deps {
		if valueOf(d.Status) == "PRIMARY" {
			s.TaskDefinition = d.TaskDefinition
		}
	}
	return s
}

func svcEvent(id string, at time.Time, msg string) types.ServiceEvent {
	return types.ServiceEvent{Id: ptr(id), CreatedAt: ptr(at), Message: ptr(msg)}
}

func withReason(d types.Deployment, r string) types.Deployment {
	d.RolloutStateReason = ptr(r)
	return d
}

func out(svcs ...*types.Service) *ecs.DescribeServicesOutput {
	o := &ecs.DescribeServicesOutput{}
	for _, s := range svcs {
		o.Services = append(o.Services, *s)
	}
	return o
}

func taskDefinition(family string, rev int32, image string) *types.TaskDefinition {
	return &types.TaskDefinition{Family: ptr(family), Revision: rev, TaskDefinitionArn: ptr(fmt.Sprintf("%s%s:%d", tdArn, family, rev)),
		ContainerDefinitions: []types.ContainerDefinition{{Name: ptr("app"), Image: ptr(image), Memory: ptr(int32(128))}}}
}
