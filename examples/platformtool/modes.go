package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy"
)

// tool runs one mode against a target.
type tool struct {
	o       options
	d       ecsdeploy.Deployer
	w       io.Writer
	cluster string
	service string
	spec    *ecs.CreateServiceInput // with defaults, validated (nil for -status/-rollback)
	td      *ecs.RegisterTaskDefinitionInput
}

// execute loads the inputs, connects and runs the mode.
func execute(ctx context.Context, o options, w io.Writer, conn connector) (int, error) {
	spec, err := loadSpec(o.spec)
	if err != nil {
		return exitUsage, err
	}
	t := &tool{o: o, w: w, cluster: aws.ToString(spec.Cluster), service: aws.ToString(spec.ServiceName)}
	if o.cluster != "" {
		t.cluster = o.cluster
	}
	spec.Cluster = optional(t.cluster)
	if o.mode == modeDiff || o.mode == modeDeploy {
		if t.td, err = loadTaskDef(o.taskdef); err != nil {
			return exitUsage, err
		}
		if err := setImage(t.td, o.image); err != nil {
			return exitUsage, err
		}
		if t.spec, err = serviceFor(spec, t.td, ""); err != nil {
			return exitUsage, &inputError{file: o.spec, err: err}
		}
	}
	tgt, err := conn(ctx, o, t.cluster)
	if err != nil {
		return exitFailed, err
	}
	r := ecsdeploy.NewTextRenderer(w)
	r.TimeFormat = "15:04:05"
	t.d = ecsdeploy.New(tgt.api, ecsdeploy.WithClock(tgt.clock), ecsdeploy.WithEvents(r.Render),
		ecsdeploy.WithPollInterval(o.poll), ecsdeploy.WithTimeout(o.timeout))
	fmt.Fprintf(w, "%s: service %s in cluster %s on %s\n", o.mode, t.service, orDefault(t.cluster, "default"), tgt.where)
	switch o.mode {
	case modeDiff:
		return t.diff(ctx)
	case modeDeploy:
		return t.deploy(ctx)
	case modeRollback:
		return t.rollback(ctx)
	default:
		return t.status(ctx)
	}
}

// current reads the service; ok is false when it does not exist (or is
// no longer ACTIVE).
func (t *tool) current(ctx context.Context) (st *ecsdeploy.Status, ok bool, err error) {
	st, err = t.d.Status(ctx, t.cluster, t.service)
	if errors.Is(err, ecsdeploy.ErrClusterNotFound) || errors.Is(err, ecsdeploy.ErrServiceNotFound) {
		// The Deployer's error names the cluster or service.
		return nil, false, err
	}
	if err != nil {
		return nil, false, err
	}
	switch s := aws.ToString(st.Service.Status); s {
	case "", "ACTIVE":
	case "INACTIVE": // deleted: -deploy may create it again
		return nil, false, &ecsdeploy.NotFoundError{Kind: ecsdeploy.ErrServiceNotFound, Name: t.service, Cluster: t.cluster, Reason: "status INACTIVE"}
	default:
		return st, false, fmt.Errorf("service %s is %s", t.service, s)
	}
	return st, true, nil
}

// plan asks the Deployer what -deploy would change on the running
// service: the task definition diff, whether a revision is registered, the
// service changes and the deployment (reads only).
func (t *tool) plan(ctx context.Context) (*ecsdeploy.Plan, error) {
	return t.d.Plan(ctx, t.deployInput())
}

// deployInput deploys the task definition file and the whole service spec.
func (t *tool) deployInput() ecsdeploy.DeployInput {
	return ecsdeploy.DeployInput{Cluster: t.cluster, Service: t.service, TaskDefinition: t.td, ServiceDefinition: t.spec}
}

// diff prints what -deploy would change: exit 3 when something would.
func (t *tool) diff(ctx context.Context) (int, error) {
	st, ok, err := t.current(ctx)
	if !ok {
		if errors.Is(err, ecsdeploy.ErrClusterNotFound) {
			return exitNotFound, err
		}
		if err != nil && !isNotFound(err) {
			return exitFailed, err
		}
		fmt.Fprintf(t.w, "service %s does not exist: -deploy would register %s and create it with desiredCount %d\n",
			t.service, aws.ToString(t.td.Family), aws.ToInt32(t.spec.DesiredCount))
		return exitDiff, nil
	}
	p, err := t.plan(ctx)
	if err != nil {
		return t.failed(err)
	}
	if p.NoChange {
		fmt.Fprintf(t.w, "no changes: service %s runs %s as specified\n", t.service, afterSlash(aws.ToString(st.Service.TaskDefinition)))
		return exitOK, nil
	}
	fmt.Fprint(t.w, p)
	return exitDiff, nil
}

// deploy creates the service, or shows the plan and deploys the task
// definition and the service spec in one UpdateService, and waits.
func (t *tool) deploy(ctx context.Context) (int, error) {
	st, ok, err := t.current(ctx)
	if !ok {
		if errors.Is(err, ecsdeploy.ErrClusterNotFound) {
			return exitNotFound, err
		}
		if err != nil && !isNotFound(err) {
			return exitFailed, err
		}
		return t.create(ctx)
	}
	p, err := t.plan(ctx)
	if err != nil {
		return t.failed(err)
	}
	if p.NoChange {
		fmt.Fprintf(t.w, "no changes: service %s already runs %s as specified\n", t.service, afterSlash(aws.ToString(st.Service.TaskDefinition)))
		return exitOK, nil
	}
	fmt.Fprint(t.w, p)
	var opts []ecsdeploy.Option
	if !t.o.noRollbk {
		opts = append(opts, ecsdeploy.WithRollback())
	}
	res, err := t.d.Deploy(ctx, t.deployInput(), opts...)
	if err != nil {
		return t.failed(err)
	}
	fmt.Fprintf(t.w, "deployed: service %s runs %s (deployment %s)\n", t.service, afterSlash(res.TaskDefinitionArn), res.DeploymentID)
	return exitOK, nil
}

// create registers the task definition and creates the service.
func (t *tool) create(ctx context.Context) (int, error) {
	fmt.Fprintf(t.w, "service %s does not exist: creating it\n", t.service)
	reg, err := t.d.Register(ctx, t.td, ecsdeploy.WithOnlyIfChanged())
	if err != nil {
		return t.failed(err)
	}
	in := *t.spec
	in.TaskDefinition = aws.String(reg.Arn)
	st, err := t.d.CreateService(ctx, &in)
	if err != nil {
		return t.failed(err)
	}
	fmt.Fprintf(t.w, "deployed: service %s created with %s, %d/%d tasks running\n", t.service, afterSlash(reg.Arn),
		st.Service.RunningCount, st.Service.DesiredCount)
	return exitOK, nil
}

// rollback rolls the service back to its last completed task definition.
func (t *tool) rollback(ctx context.Context) (int, error) {
	res, err := t.d.Rollback(ctx, ecsdeploy.RollbackInput{Cluster: t.cluster, Service: t.service})
	if err != nil {
		return t.failed(err)
	}
	fmt.Fprintf(t.w, "rolled back: service %s runs %s\n", t.service, afterSlash(res.TaskDefinitionArn))
	return exitOK, nil
}

// status prints the service and its deployments: exit 0 when steady, 6
// while a deployment is in progress, 1 when the PRIMARY deployment failed.
func (t *tool) status(ctx context.Context) (int, error) {
	st, ok, err := t.current(ctx)
	if !ok {
		if err == nil || isNotFound(err) {
			return exitNotFound, err
		}
		return exitFailed, err
	}
	printStatus(t.w, st)
	svc := st.Service
	p := st.Deployment
	switch {
	case p != nil && p.RolloutState == types.DeploymentRolloutStateFailed:
		return exitFailed, fmt.Errorf("service %s: deployment %s FAILED: %s", t.service, aws.ToString(p.Id), aws.ToString(p.RolloutStateReason))
	case len(svc.Deployments) == 1 && svc.RunningCount == svc.DesiredCount &&
		(p == nil || p.RolloutState == "" || p.RolloutState == types.DeploymentRolloutStateCompleted):
		fmt.Fprintln(t.w, "steady")
		return exitOK, nil
	default:
		fmt.Fprintln(t.w, "in progress")
		return exitInProgress, nil
	}
}

// failed maps an error to its exit code, printing a failed deployment's
// stopped tasks.
func (t *tool) failed(err error) (int, error) {
	var df *ecsdeploy.DeploymentFailedError
	var ve *ecsdeploy.ValidationError
	switch {
	case isNotFound(err):
		return exitNotFound, err
	case errors.As(err, &ve):
		return exitUsage, err
	case errors.As(err, &df):
		fmt.Fprintf(t.w, "deployment %s FAILED: %s\n", df.DeploymentID, df.Reason)
		for _, s := range df.StoppedTasks {
			fmt.Fprintln(t.w, "  "+s.String())
		}
		if df.RolledBack {
			fmt.Fprintf(t.w, "rolled back (%s) to %s: the service still serves the previous revision\n", df.RollbackBy, afterSlash(df.RollbackTaskDefinition))
			return exitRolledBack, fmt.Errorf("deployment %s failed and was rolled back to %s", df.DeploymentID, afterSlash(df.RollbackTaskDefinition))
		}
		if df.RollbackStarted {
			fmt.Fprintf(t.w, "rollback (%s) to %s started, not completed (%s): the service may still be moving\n",
				df.RollbackBy, afterSlash(df.RollbackTaskDefinition), df.RollbackState)
		}
		return exitFailed, err
	}
	return exitFailed, err
}

func isNotFound(err error) bool {
	return errors.Is(err, ecsdeploy.ErrServiceNotFound) || errors.Is(err, ecsdeploy.ErrClusterNotFound) ||
		errors.Is(err, ecsdeploy.ErrTaskDefinitionNotFound)
}

// printStatus prints the service, its deployments as a table and its five
// newest events.
func printStatus(w io.Writer, st *ecsdeploy.Status) {
	st.PrintTable(w)
	s := st.Service
	for i, e := range s.Events {
		if i == 5 {
			break
		}
		fmt.Fprintf(w, "  %s %s\n", aws.ToTime(e.CreatedAt).UTC().Format("2006-01-02 15:04:05"), aws.ToString(e.Message))
	}
}

// afterSlash is the part of an ARN after its last "/" (family:revision).
func afterSlash(arn string) string {
	if i := strings.LastIndexByte(arn, '/'); i >= 0 {
		return arn[i+1:]
	}
	return arn
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
