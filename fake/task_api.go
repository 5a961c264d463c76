package fake

import (
	"context"
	"crypto/sha256"
	"regexp"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// startedByRE: up to 36 letters, numbers, hyphens and underscores.
var startedByRE = regexp.MustCompile(`^[a-zA-Z0-9_/-]{0,36}$`)

// taskDefForRunLocked resolves the task definition of RunTask/StartTask.
func (e *ECS) taskDefForRunLocked(ref *string) (*taskDef, error) {
	if aws.ToString(ref) == "" {
		return nil, errInvalidParam("taskDefinition: must be specified.")
	}
	return e.launchableTaskDefLocked(*ref)
}

// commonRunChecks validates what RunTask and StartTask share.
func commonRunChecks(td *taskDef, startedBy *string, group *string, ov *types.TaskOverride, tags []types.Tag) error {
	if !startedByRE.MatchString(aws.ToString(startedBy)) {
		return errInvalidParam("startedBy: up to 36 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.")
	}
	if len(aws.ToString(group)) > 255 {
		return errInvalidParam("group: must be at most 255 characters.")
	}
	if ov != nil {
		for i, co := range ov.ContainerOverrides {
			name := aws.ToString(co.Name)
			if !slices.ContainsFunc(td.def.ContainerDefinitions, func(cd types.ContainerDefinition) bool { return aws.ToString(cd.Name) == name }) {
				return errInvalidParam("overrides.containerOverrides[%d]: Override for container named %s is not a container in the TaskDefinition.", i, name)
			}
		}
	}
	return validateTags(tags)
}

func awsvpcConfigured(nc *types.NetworkConfiguration) bool {
	return nc != nil && nc.AwsvpcConfiguration != nil && len(nc.AwsvpcConfiguration.Subnets) > 0
}

// RunTask starts 1-10 tasks of a task definition, placing them on EC2
// container instances (or Fargate). Tasks that cannot be placed come back
// in failures. A clientToken makes it idempotent per cluster (see
// runtask_idem.go): a retry with the same parameters answers the original
// result, one with other parameters fails with ConflictException.
func (e *ECS) RunTask(ctx context.Context, in *ecs.RunTaskInput, _ ...func(*ecs.Options)) (*ecs.RunTaskOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.RunTaskInput{}
	}
	now, err := e.beginLocked(ctx, "RunTask", in)
	if err != nil {
		return nil, err
	}
	c, err := e.clusterLocked(in.Cluster)
	if err != nil {
		return nil, err
	}
	tok := aws.ToString(in.ClientToken)
	var fp [sha256.Size]byte
	if tok != "" { // runtask_idem.go
		if err := checkClientToken(tok, runTokenMaxLen); err != nil {
			return nil, err
		}
		fp = runFingerprint(in)
		if out, ok, err := e.runTokenReplayLocked(c, tok, fp, now); ok {
			return out, err
		}
	}
	count := 1
	if in.Count != nil {
		count = int(*in.Count)
	}
	if count < 1 || count > 10 {
		return nil, errInvalidParam("count: must be between 1 and 10.")
	}
	td, err := e.taskDefForRunLocked(in.TaskDefinition)
	if err != nil {
		return nil, err
	}
	if err := commonRunChecks(td, in.StartedBy, in.Group, in.Overrides, in.Tags); err != nil {
		return nil, err
	}
	if len(in.PlacementConstraints) > 10 {
		return nil, errInvalidParam("placementConstraints: at most 10 constraints are allowed.")
	}
	lt, cps, err := e.launchChoiceLocked(c, in.LaunchType, in.CapacityProviderStrategy) // capacity.go
	if err != nil {
		return nil, err
	}
	switch lt {
	case types.LaunchTypeEc2:
		if td.def.NetworkMode == types.NetworkModeAwsvpc && !awsvpcConfigured(in.NetworkConfiguration) {
			return nil, errInvalidParam("Network Configuration must be provided when networkMode 'awsvpc' is specified.")
		}
		if len(cps) == 0 && !slices.ContainsFunc(c.instances, func(i *instance) bool { return i.status != "INACTIVE" }) {
			return nil, errInvalidParam("No Container Instances were found in your cluster.")
		}
	case types.LaunchTypeFargate:
		if !slices.Contains(td.def.Compatibilities, types.CompatibilityFargate) {
			return nil, errClient("Task definition does not support launch_type FARGATE.")
		}
		if !awsvpcConfigured(in.NetworkConfiguration) {
			return nil, errInvalidParam("Network Configuration must be provided when networkMode 'awsvpc' is specified.")
		}
		if len(in.PlacementConstraints) > 0 || len(in.PlacementStrategy) > 0 {
			return nil, errInvalidParam("Task placement constraints and strategies are not supported for the FARGATE launch type.")
		}
	default:
		return nil, errInvalidParam("launchType: %s is not supported; use EC2 or FARGATE.", lt)
	}
	group := aws.ToString(in.Group)
	if group == "" {
		group = "family:" + aws.ToString(td.def.Family)
	}
	strategies := in.PlacementStrategy
	if len(strategies) == 0 && lt == types.LaunchTypeEc2 {
		// The Developer Guide ("Use strategies to define Amazon ECS task
		// placement") gives services a default spread on
		// attribute:ecs.availability-zone and standalone tasks none; with no
		// strategy the fake places standalone tasks randomly (seeded).
		strategies = []types.PlacementStrategy{{Type: types.PlacementStrategyTypeRandom}}
	}
	req := placementRequest{count: count, group: group, startedBy: aws.ToString(in.StartedBy), launchType: lt,
		constraints: in.PlacementConstraints, strategies: strategies, overrides: in.Overrides, tags: in.Tags}
	var started []*task
	var failures []types.Failure
	if len(cps) > 0 {
		started, failures, err = e.runTaskSplitLocked(c, td, req, cps, now) // capacity_place.go
	} else {
		started, failures, err = e.startTasksLocked(c, td, req, now)
	}
	if err != nil {
		return nil, err
	}
	out := &ecs.RunTaskOutput{Tasks: make([]types.Task, 0, len(started)), Failures: failures}
	if out.Failures == nil {
		out.Failures = []types.Failure{}
	}
	visible := e.lagLocked(now)
	for _, t := range started {
		t.setVisibleAt(visible)
		out.Tasks = append(out.Tasks, t.view(copyTags(e.tags[t.arn()])))
	}
	if tok != "" {
		e.rememberRunLocked(c, tok, fp, now, out)
	}
	return out, nil
}

// StartTask starts one task on each named container instance (1-10),
// without placement strategies.
func (e *ECS) StartTask(ctx context.Context, in *ecs.StartTaskInput, _ ...func(*ecs.Options)) (*ecs.StartTaskOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.StartTaskInput{}
	}
	now, err := e.beginLocked(ctx, "StartTask", in)
	if err != nil {
		return nil, err
	}
	c, err := e.clusterLocked(in.Cluster)
	if err != nil {
		return nil, err
	}
	if len(in.ContainerInstances) == 0 || len(in.ContainerInstances) > 10 {
		return nil, errInvalidParam("containerInstances: must contain between 1 and 10 items.")
	}
	td, err := e.taskDefForRunLocked(in.TaskDefinition)
	if err != nil {
		return nil, err
	}
	if err := commonRunChecks(td, in.StartedBy, in.Group, in.Overrides, in.Tags); err != nil {
		return nil, err
	}
	if td.def.NetworkMode == types.NetworkModeAwsvpc && !awsvpcConfigured(in.NetworkConfiguration) {
		return nil, errInvalidParam("Network Configuration must be provided when networkMode 'awsvpc' is specified.")
	}
	// An unknown or deregistered instance is a failure of the call, not an
	// exception ("API failure reasons": MISSING, INACTIVE).
	out := &ecs.StartTaskOutput{Tasks: []types.Task{}, Failures: []types.Failure{}}
	insts := make([]*instance, 0, len(in.ContainerInstances))
	for _, ref := range in.ContainerInstances {
		inst := e.instanceLocked(c, ref)
		switch {
		case inst == nil:
			out.Failures = append(out.Failures, e.missingFailure(c, "container-instance", ref))
		case inst.status == "INACTIVE":
			out.Failures = append(out.Failures, types.Failure{Arn: aws.String(inst.arn), Reason: aws.String("INACTIVE")})
		default:
			insts = append(insts, inst)
		}
	}
	group := aws.ToString(in.Group)
	if group == "" {
		group = "family:" + aws.ToString(td.def.Family)
	}
	base := placementRequest{count: 1, group: group, startedBy: aws.ToString(in.StartedBy), launchType: types.LaunchTypeEc2,
		overrides: in.Overrides, tags: in.Tags}
	if _, err := needsFor(td, &base); err != nil {
		return nil, err
	}
	for _, inst := range insts {
		req := base
		req.targets = []*instance{inst}
		started, failures, err := e.startTasksLocked(c, td, req, now)
		if err != nil {
			return nil, err
		}
		out.Failures = append(out.Failures, failures...)
		visible := e.lagLocked(now)
		for _, t := range started {
			t.setVisibleAt(visible)
			out.Tasks = append(out.Tasks, t.view(copyTags(e.tags[t.arn()])))
		}
	}
	return out, nil
}

// taskLocked finds a task of c by ID or ARN (an ARN of another account or
// region finds none: homeMatches).
func (e *ECS) taskLocked(c *cluster, ref string) *task {
	id := ref
	if kind, rest, ok := arnResource(ref); ok {
		if kind != "task" {
			return nil
		}
		id = rest[strings.LastIndex(rest, "/")+1:]
	}
	t := e.tasks.get(id)
	if t == nil || t.c != c || !homeMatches(ref, t.arn()) {
		return nil
	}
	return t
}

// StopTask stops a task (stopCode UserInitiated, stoppedReason the given
// reason or "Task stopped by user").
func (e *ECS) StopTask(ctx context.Context, in *ecs.StopTaskInput, _ ...func(*ecs.Options)) (*ecs.StopTaskOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.StopTaskInput{}
	}
	now, err := e.beginLocked(ctx, "StopTask", in)
	if err != nil {
		return nil, err
	}
	c, err := e.clusterLocked(in.Cluster)
	if err != nil {
		return nil, err
	}
	if aws.ToString(in.Task) == "" {
		return nil, errInvalidParam("task: must be specified.")
	}
	if len(aws.ToString(in.Reason)) > 255 {
		return nil, errInvalidParam("reason: must be at most 255 characters.")
	}
	t := e.taskLocked(c, *in.Task)
	if t == nil {
		return nil, errInvalidParam("The referenced task was not found.")
	}
	reason := aws.ToString(in.Reason)
	if reason == "" {
		reason = "Task stopped by user"
	}
	e.stopTaskLocked(t, types.TaskStopCodeUserInitiated, reason, now)
	v := t.view(copyTags(e.tags[t.arn()]))
	return &ecs.StopTaskOutput{Task: &v}, nil
}

// DescribeTasks describes 1-100 tasks; unknown ones are failures with
// reason MISSING. STOPPED tasks stay describable for the retention period.
func (e *ECS) DescribeTasks(ctx context.Context, in *ecs.DescribeTasksInput, _ ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.DescribeTasksInput{}
	}
	now, err := e.beginLocked(ctx, "DescribeTasks", in)
	if err != nil {
		return nil, err
	}
	c, err := e.clusterLocked(in.Cluster)
	if err != nil {
		return nil, err
	}
	if len(in.Tasks) == 0 {
		return nil, errInvalidParam("Tasks cannot be empty.")
	}
	if len(in.Tasks) > 100 {
		return nil, errInvalidParam("tasks: at most 100 tasks can be described per call.")
	}
	withTags := slices.Contains(in.Include, types.TaskFieldTags)
	out := &ecs.DescribeTasksOutput{Tasks: make([]types.Task, 0, len(in.Tasks)), Failures: []types.Failure{}}
	for _, ref := range in.Tasks {
		t := e.taskLocked(c, ref)
		if t == nil || hidden(t.visibleAt(), now) {
			out.Failures = append(out.Failures, e.missingFailure(c, "task", ref))
			continue
		}
		var tags []types.Tag
		if withTags {
			tags = copyTags(e.tags[t.arn()])
		}
		out.Tasks = append(out.Tasks, t.view(tags))
	}
	return out, nil
}

// ListTasks lists task ARNs of a cluster, filtered by family, startedBy,
// serviceName, containerInstance, launchType and desiredStatus (default
// RUNNING), in creation order, paginated (at most 100 per page).
func (e *ECS) ListTasks(ctx context.Context, in *ecs.ListTasksInput, _ ...func(*ecs.Options)) (*ecs.ListTasksOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.ListTasksInput{}
	}
	now, err := e.beginLocked(ctx, "ListTasks", in)
	if err != nil {
		return nil, err
	}
	c, err := e.clusterLocked(in.Cluster)
	if err != nil {
		return nil, err
	}
	desired := string(in.DesiredStatus)
	if desired == "" {
		desired = statusRunning
	}
	switch desired {
	case statusRunning, statusPending, statusStopped:
	default:
		return nil, errInvalidParam("desiredStatus: must be RUNNING, PENDING or STOPPED.")
	}
	var inst *instance
	if ref := aws.ToString(in.ContainerInstance); ref != "" {
		if inst = e.instanceLocked(c, ref); inst == nil {
			return nil, errInvalidParam("containerInstance: Container instance %s not found.", ref)
		}
	}
	n := 100
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 100 {
			return nil, errInvalidParam("maxResults must be between 1 and %d.", 100)
		}
		n = int(*in.MaxResults)
	}
	after, err := parseTaskToken(in.NextToken)
	if err != nil {
		return nil, err
	}
	f := taskFilter{desired: desired, family: in.Family, startedBy: in.StartedBy, launchType: string(in.LaunchType),
		lagging: e.cfg.consistency > 0, now: now}
	if in.ServiceName != nil {
		f.group = aws.String("service:" + *in.ServiceName)
	}
	if inst != nil {
		f.instance = &inst.id
	}
	ts, more := e.listTasksLocked(c, f, after, n)
	out := &ecs.ListTasksOutput{TaskArns: make([]string, len(ts))}
	for i, t := range ts {
		out.TaskArns[i] = t.arn()
	}
	if more {
		out.NextToken = taskToken(ts[len(ts)-1].seq)
	}
	return out, nil
}

// Tasks returns every task the fake still remembers in a cluster (name or
// ARN), in creation order, as DescribeTasks shows them.
func (e *ECS) Tasks(cluster string) []types.Task {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.catchUpLocked()
	c, err := e.clusterLocked(&cluster)
	if err != nil {
		return nil
	}
	out := make([]types.Task, 0, len(c.tasks))
	for _, t := range c.tasks {
		if t.forgotten {
			continue
		}
		out = append(out, t.view(copyTags(e.tags[t.arn()])))
	}
	return out
}

// TaskHistory returns a task's state history (by ARN or ID), oldest first,
// or nil when the fake does not know the task.
func (e *ECS) TaskHistory(arn string) []TaskStateChange {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.catchUpLocked()
	id := arn[strings.LastIndex(arn, "/")+1:]
	t := e.tasks.get(id)
	if t == nil || !homeMatches(arn, t.arn()) { // an ARN of another home names no task of ours
		return nil
	}
	return t.historyView()
}
