package fake

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/ecsdeploy/ecsdeploy"
)

// family holds every revision of a task definition family; revs[i] is
// revision i+1 (revisions are never reused).
type family struct {
	name string
	revs []*taskDef
}

// taskDef is one registered revision.
type taskDef struct {
	arn       string
	def       types.TaskDefinition // the stored description (deep enough copy)
	status    types.TaskDefinitionStatus
	cpu, mem  int       // task-level cpu units / MiB, 0 when unset
	live      int       // tasks of this revision that have not stopped
	visibleAt time.Time // reads before it do not see the revision (consistency.go)
	deleted   bool      // DELETE_IN_PROGRESS and no longer used: gone (taskdef_delete.go)
}

// taskDefByRefLocked resolves "family", "family:rev" or their ARN
// ("arn:...:task-definition/family[:rev]"). "family" is the latest ACTIVE
// revision. An ARN only names revisions of its own account and region
// (homeMatches): one of another account or region finds none.
func (e *ECS) taskDefByRefLocked(ref string) *taskDef {
	plain := ref
	if kind, rest, ok := arnResource(ref); ok {
		if kind != "task-definition" {
			return nil
		}
		plain = rest
	}
	name, revStr, hasRev := strings.Cut(plain, ":")
	f := e.families[name]
	if f == nil {
		return nil
	}
	if !hasRev {
		for i := len(f.revs) - 1; i >= 0; i-- {
			if td := f.revs[i]; td.status == types.TaskDefinitionStatusActive && homeMatches(ref, td.arn) {
				return td
			}
		}
		return nil
	}
	rev, err := strconv.Atoi(revStr)
	if err != nil || rev < 1 || rev > len(f.revs) || f.revs[rev-1].deleted || !homeMatches(ref, f.revs[rev-1].arn) {
		return nil
	}
	return f.revs[rev-1]
}

// badRevision returns ECS's error for a reference whose revision is not a
// number, such as "family:latest": InvalidParameterException "Invalid
// revision number. Number: latest" (observed); nil otherwise.
func badRevision(ref string) error {
	if _, rest, ok := arnResource(ref); ok {
		ref = rest
	}
	_, revStr, hasRev := strings.Cut(ref, ":")
	if !hasRev {
		return nil
	}
	if _, err := strconv.Atoi(revStr); err != nil {
		return errInvalidParam("Invalid revision number. Number: %s", revStr)
	}
	return nil
}

// launchableTaskDefLocked resolves the task definition of RunTask,
// StartTask, CreateService and UpdateService: it must exist and be ACTIVE.
// An INACTIVE revision is an InvalidParameterException "TaskDefinition is
// inactive" (observed on RunTask; API Reference, DeregisterTaskDefinition:
// an INACTIVE revision cannot run new tasks or back new services).
func (e *ECS) launchableTaskDefLocked(ref string) (*taskDef, error) {
	if err := badRevision(ref); err != nil {
		return nil, err
	}
	td := e.taskDefByRefLocked(ref)
	if td == nil {
		return nil, errClient("TaskDefinition not found.")
	}
	if td.status != types.TaskDefinitionStatusActive {
		return nil, errInvalidParam("TaskDefinition is inactive")
	}
	return td, nil
}

// parseUnits parses a task-level cpu or memory string: "256", "1 vCPU"
// (cpu, x1024) or "2 GB" (memory, x1024). ok is false for anything else.
func parseUnits(s string, suffix string) (int, bool) {
	s = strings.TrimSpace(s)
	if v, err := strconv.Atoi(s); err == nil && v >= 0 {
		return v, true
	}
	if num, ok := strings.CutSuffix(strings.ToLower(s), strings.ToLower(suffix)); ok {
		f, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
		if err == nil && f >= 0 && f < 1e6 {
			return int(f * 1024), true
		}
	}
	return 0, false
}

// validationToAPIError maps the library's validation errors to the typed
// error ECS returns for the same problem, with ECS's text where known.
func validationToAPIError(err error) error {
	var ves []*ecsdeploy.ValidationError
	var collect func(error)
	collect = func(err error) {
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			for _, x := range j.Unwrap() {
				collect(x)
			}
			return
		}
		var ve *ecsdeploy.ValidationError
		if errors.As(err, &ve) {
			ves = append(ves, ve)
		}
	}
	collect(err)
	if len(ves) == 0 {
		return errClient("%v", err)
	}
	ve := ves[0]
	switch {
	case ve.Rule == "is required" || ve.Field == "taskDefinition" ||
		(ve.Field == "containerDefinitions" && strings.HasPrefix(ve.Rule, "at least one")):
		// Missing required members are parameter errors in ECS.
		return errInvalidParam("%s", ve.Error())
	case strings.HasSuffix(ve.Field, ".image") && strings.Contains(ve.Rule, "null or empty"):
		return errClient("Container.image should not be null or empty.")
	case ve.Field == "cpu" && strings.HasPrefix(ve.Rule, "Invalid 'cpu' setting for task."):
		return errClient("Invalid 'cpu' setting for task.")
	case strings.HasPrefix(ve.Rule, "Invalid setting for container '"),
		strings.HasPrefix(ve.Rule, "When networkMode=awsvpc, the host ports and container ports"):
		// ECS's own (observed) texts go on the wire without the field path.
		return errClient("%s", ve.Rule)
	}
	msgs := make([]string, len(ves))
	for i, v := range ves {
		msgs[i] = v.Error()
	}
	return errClient("%s", strings.Join(msgs, "; "))
}

// RegisterTaskDefinition registers a new revision of a family after
// validating it with the library's rules.
func (e *ECS) RegisterTaskDefinition(ctx context.Context, in *ecs.RegisterTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.RegisterTaskDefinitionOutput, error) {
	if in == nil {
		in = &ecs.RegisterTaskDefinitionInput{}
	}
	// Validation costs time in proportion to the request: it runs before
	// the lock is taken, so a large request does not hold back other
	// clients (the call is still recorded and faults still apply first).
	verr := ecsdeploy.ValidateTaskDefinitionInput(in)
	e.mu.Lock()
	defer e.mu.Unlock()
	now, err := e.beginLocked(ctx, "RegisterTaskDefinition", in)
	if err != nil {
		return nil, err
	}
	if verr != nil {
		err := validationToAPIError(verr)
		e.noteCallErrorLocked(err)
		return nil, err
	}
	// Checks the fake itself depends on (independent of the library rules).
	name := aws.ToString(in.Family)
	if !clusterNameRE.MatchString(name) {
		return nil, errClient("Family contains invalid characters; up to 255 letters (uppercase and lowercase), numbers, hyphens, and underscores are allowed.")
	}
	if len(in.ContainerDefinitions) > 10 {
		return nil, errClient("Too many containers: a task definition can have at most 10 containers.")
	}
	cpu, mem := 0, 0
	if in.Cpu != nil {
		v, ok := parseUnits(*in.Cpu, "vcpu")
		if !ok {
			return nil, errClient("Invalid 'cpu' setting for task.")
		}
		cpu = v
	}
	if in.Memory != nil {
		v, ok := parseUnits(*in.Memory, "gb")
		if !ok {
			return nil, errClient("Invalid 'memory' setting for task.")
		}
		mem = v
	}
	for i, c := range in.ContainerDefinitions {
		if aws.ToString(c.Name) == "" {
			return nil, errClient("containerDefinitions[%d].name: Container.name should not be null or empty.", i)
		}
		if aws.ToString(c.Image) == "" {
			return nil, errClient("Container.image should not be null or empty.")
		}
	}
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	f := e.families[name]
	if err := e.quotaRevisionLocked(f); err != nil {
		return nil, err
	}
	if f == nil {
		f = &family{name: name}
		e.families[name] = f
	}
	rev := len(f.revs) + 1
	region := e.regionFor(ctx)
	arn := e.arn(region, fmt.Sprintf("task-definition/%s:%d", name, rev))
	netMode := in.NetworkMode
	if netMode == "" {
		netMode = types.NetworkModeBridge
	}
	compat := []types.Compatibility{types.CompatibilityEc2}
	for _, c := range in.RequiresCompatibilities {
		if c == types.CompatibilityFargate && netMode == types.NetworkModeAwsvpc {
			compat = append(compat, types.CompatibilityFargate)
		}
	}
	containers := make([]types.ContainerDefinition, len(in.ContainerDefinitions))
	copy(containers, in.ContainerDefinitions)
	for i := range containers {
		if containers[i].Essential == nil {
			containers[i].Essential = aws.Bool(true)
		}
		if containers[i].Environment == nil {
			containers[i].Environment = []types.KeyValuePair{}
		}
		if containers[i].PortMappings == nil {
			containers[i].PortMappings = []types.PortMapping{}
		} else {
			pms := append([]types.PortMapping(nil), containers[i].PortMappings...)
			for j := range pms {
				if pms[j].Protocol == "" {
					pms[j].Protocol = types.TransportProtocolTcp
				}
				if netMode == types.NetworkModeAwsvpc || netMode == types.NetworkModeHost {
					if pms[j].HostPort == nil || *pms[j].HostPort == 0 {
						pms[j].HostPort = pms[j].ContainerPort
					}
				}
			}
			containers[i].PortMappings = pms
		}
	}
	registered := now
	td := &taskDef{arn: arn, status: types.TaskDefinitionStatusActive, cpu: cpu, mem: mem}
	td.def = types.TaskDefinition{
		TaskDefinitionArn:       aws.String(arn),
		Family:                  aws.String(name),
		Revision:                int32(rev),
		Status:                  types.TaskDefinitionStatusActive,
		ContainerDefinitions:    containers,
		Cpu:                     in.Cpu,
		Memory:                  in.Memory,
		NetworkMode:             netMode,
		ExecutionRoleArn:        in.ExecutionRoleArn,
		TaskRoleArn:             in.TaskRoleArn,
		Volumes:                 nonNil(in.Volumes),
		PlacementConstraints:    nonNil(in.PlacementConstraints),
		RequiresCompatibilities: in.RequiresCompatibilities,
		Compatibilities:         compat,
		RuntimePlatform:         in.RuntimePlatform,
		PidMode:                 in.PidMode,
		IpcMode:                 in.IpcMode,
		ProxyConfiguration:      in.ProxyConfiguration,
		EphemeralStorage:        in.EphemeralStorage,
		EnableFaultInjection:    in.EnableFaultInjection,
		RequiresAttributes:      []types.Attribute{},
		RegisteredAt:            &registered,
		RegisteredBy:            aws.String(fmt.Sprintf("arn:aws:iam::%s:root", e.cfg.account)),
	}
	td.visibleAt = e.lagLocked(now)
	f.revs = append(f.revs, td)
	if len(in.Tags) > 0 {
		e.tags[arn] = mergeTags(nil, in.Tags)
	}
	return &ecs.RegisterTaskDefinitionOutput{TaskDefinition: td.view(), Tags: copyTags(e.tags[arn])}, nil
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return append([]T(nil), s...)
}

// view returns a copy of the stored description with the current status.
func (td *taskDef) view() *types.TaskDefinition {
	d := td.def
	d.Status = td.status
	d.ContainerDefinitions = append([]types.ContainerDefinition(nil), td.def.ContainerDefinitions...)
	return &d
}

// DescribeTaskDefinition describes a revision by family, family:revision or
// ARN ("family" means the latest ACTIVE revision).
func (e *ECS) DescribeTaskDefinition(ctx context.Context, in *ecs.DescribeTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.DescribeTaskDefinitionInput{}
	}
	if _, err := e.beginLocked(ctx, "DescribeTaskDefinition", in); err != nil {
		return nil, err
	}
	if aws.ToString(in.TaskDefinition) == "" {
		return nil, errInvalidParam("taskDefinition: must be specified.")
	}
	td := e.taskDefByRefLocked(*in.TaskDefinition)
	if td == nil {
		return nil, errClient("Unable to describe task definition.")
	}
	out := &ecs.DescribeTaskDefinitionOutput{TaskDefinition: td.view()}
	for _, f := range in.Include {
		if f == types.TaskDefinitionFieldTags {
			out.Tags = copyTags(e.tags[td.arn])
		}
	}
	return out, nil
}

// ListTaskDefinitions lists revision ARNs, filtered by exact family
// (familyPrefix) and status (default ACTIVE), sorted by family and
// revision (ASC by default), paginated.
func (e *ECS) ListTaskDefinitions(ctx context.Context, in *ecs.ListTaskDefinitionsInput, _ ...func(*ecs.Options)) (*ecs.ListTaskDefinitionsOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.ListTaskDefinitionsInput{}
	}
	now, err := e.beginLocked(ctx, "ListTaskDefinitions", in)
	if err != nil {
		return nil, err
	}
	status := in.Status
	if status == "" {
		status = types.TaskDefinitionStatusActive
	}
	switch status {
	case types.TaskDefinitionStatusActive, types.TaskDefinitionStatusInactive, types.TaskDefinitionStatusDeleteInProgress:
	default:
		return nil, errInvalidParam("status: must be one of ACTIVE, INACTIVE, DELETE_IN_PROGRESS.")
	}
	if in.Sort != "" && in.Sort != types.SortOrderAsc && in.Sort != types.SortOrderDesc {
		return nil, errInvalidParam("sort: must be ASC or DESC.")
	}
	if in.FamilyPrefix != nil {
		return e.listFamilyLocked(*in.FamilyPrefix, status, in.Sort == types.SortOrderDesc, in.NextToken, in.MaxResults, now)
	}
	names := make([]string, 0, len(e.families))
	for n := range e.families {
		if in.FamilyPrefix == nil || *in.FamilyPrefix == n {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	var arns []string
	for _, n := range names {
		for _, td := range e.families[n].revs {
			if td.status == status && !td.deleted && !hidden(td.visibleAt, now) {
				arns = append(arns, td.arn)
			}
		}
	}
	if in.Sort == types.SortOrderDesc {
		for i, j := 0, len(arns)-1; i < j; i, j = i+1, j-1 {
			arns[i], arns[j] = arns[j], arns[i]
		}
	}
	pg, next, err := page(arns, in.NextToken, in.MaxResults, 100)
	if err != nil {
		return nil, err
	}
	return &ecs.ListTaskDefinitionsOutput{TaskDefinitionArns: append([]string{}, pg...), NextToken: next}, nil
}

// ListTaskDefinitionFamilies lists family names starting with familyPrefix.
// Status ACTIVE (default) lists families with an ACTIVE revision, INACTIVE
// those without one, ALL every family.
func (e *ECS) ListTaskDefinitionFamilies(ctx context.Context, in *ecs.ListTaskDefinitionFamiliesInput, _ ...func(*ecs.Options)) (*ecs.ListTaskDefinitionFamiliesOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.ListTaskDefinitionFamiliesInput{}
	}
	if _, err := e.beginLocked(ctx, "ListTaskDefinitionFamilies", in); err != nil {
		return nil, err
	}
	status := in.Status
	if status == "" {
		status = types.TaskDefinitionFamilyStatusActive
	}
	switch status {
	case types.TaskDefinitionFamilyStatusActive, types.TaskDefinitionFamilyStatusInactive, types.TaskDefinitionFamilyStatusAll:
	default:
		return nil, errInvalidParam("status: must be one of ACTIVE, INACTIVE, ALL.")
	}
	var names []string
	for n, f := range e.families {
		if !strings.HasPrefix(n, aws.ToString(in.FamilyPrefix)) {
			continue
		}
		active, kept := false, false
		for _, td := range f.revs {
			active = active || td.status == types.TaskDefinitionStatusActive
			kept = kept || !td.deleted
		}
		if !kept {
			continue // every revision deleted: the family is no longer returned
		}
		if status == types.TaskDefinitionFamilyStatusAll || (status == types.TaskDefinitionFamilyStatusActive) == active {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	pg, next, err := page(names, in.NextToken, in.MaxResults, 100)
	if err != nil {
		return nil, err
	}
	return &ecs.ListTaskDefinitionFamiliesOutput{Families: append([]string{}, pg...), NextToken: next}, nil
}

// DeregisterTaskDefinition marks an ACTIVE revision INACTIVE. It needs an
// explicit revision (family:revision or ARN); an INACTIVE one is a
// ClientException. Running tasks keep running.
func (e *ECS) DeregisterTaskDefinition(ctx context.Context, in *ecs.DeregisterTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.DeregisterTaskDefinitionOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.DeregisterTaskDefinitionInput{}
	}
	now, err := e.beginLocked(ctx, "DeregisterTaskDefinition", in)
	if err != nil {
		return nil, err
	}
	ref := aws.ToString(in.TaskDefinition)
	if ref == "" {
		return nil, errInvalidParam("taskDefinition: must be specified.")
	}
	plain := ref
	if _, rest, ok := arnResource(ref); ok {
		plain = rest
	}
	if !strings.Contains(plain, ":") {
		return nil, errInvalidParam("Invalid revision number. Number: %s", ref)
	}
	td := e.taskDefByRefLocked(ref)
	if td == nil || td.status == types.TaskDefinitionStatusDeleteInProgress {
		return nil, errClient("The specified task definition does not exist.")
	}
	if td.status != types.TaskDefinitionStatusActive {
		// ECS refuses to deregister a revision twice with a ClientException
		// (issue #11); the exact text is not published, this is the text
		// ECS gives for an INACTIVE revision elsewhere (RunTask).
		return nil, errClient("TaskDefinition is inactive")
	}
	td.status = types.TaskDefinitionStatusInactive
	at := now
	td.def.DeregisteredAt = &at
	return &ecs.DeregisterTaskDefinitionOutput{TaskDefinition: td.view()}, nil
}

// DeleteTaskDefinitions moves INACTIVE revisions (at most 10 per call) to
// DELETE_IN_PROGRESS; ACTIVE or unknown ones come back as failures.
func (e *ECS) DeleteTaskDefinitions(ctx context.Context, in *ecs.DeleteTaskDefinitionsInput, _ ...func(*ecs.Options)) (*ecs.DeleteTaskDefinitionsOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.DeleteTaskDefinitionsInput{}
	}
	now, err := e.beginLocked(ctx, "DeleteTaskDefinitions", in)
	if err != nil {
		return nil, err
	}
	if len(in.TaskDefinitions) == 0 || len(in.TaskDefinitions) > 10 {
		return nil, errInvalidParam("taskDefinitions: must contain between 1 and 10 items.")
	}
	out := &ecs.DeleteTaskDefinitionsOutput{TaskDefinitions: []types.TaskDefinition{}, Failures: []types.Failure{}}
	for _, ref := range in.TaskDefinitions {
		td := e.taskDefByRefLocked(ref)
		plain := ref
		if _, rest, ok := arnResource(ref); ok {
			plain = rest
		}
		switch {
		case td == nil || !strings.Contains(plain, ":"):
			out.Failures = append(out.Failures, types.Failure{Arn: aws.String(ref), Reason: aws.String("TASK_DEFINITION_NOT_FOUND"), Detail: aws.String("The specified task definition does not exist.")})
		case td.status == types.TaskDefinitionStatusActive:
			out.Failures = append(out.Failures, types.Failure{Arn: aws.String(td.arn), Reason: aws.String("TASK_DEFINITION_IN_ACTIVE_STATE"), Detail: aws.String("The specified task definition is still in ACTIVE status. Please deregister the target and try again.")})
		default:
			if td.status != types.TaskDefinitionStatusDeleteInProgress {
				td.status = types.TaskDefinitionStatusDeleteInProgress
				at := now
				td.def.DeleteRequestedAt = &at
			}
			out.TaskDefinitions = append(out.TaskDefinitions, *td.view())
			e.maybeDeleteTaskDefLocked(td)
		}
	}
	return out, nil
}
