package ecsdeploy

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Plan is what Deploy would do with the same input, worked out by
// Deployer.Plan from reads only: nothing is registered or updated.
type Plan struct {
	// Cluster and Service name the service.
	Cluster, Service string
	// CurrentTaskDefinition is the ARN the service runs now.
	CurrentTaskDefinition string
	// TaskDefinitionDiff is Diff of the current task definition against
	// the wanted one ("" when unchanged or when no task definition or
	// image was given).
	TaskDefinitionDiff string
	// RegistersRevision reports whether Deploy would register a new
	// revision: the wanted definition differs from the current one and
	// from the family's latest ACTIVE revision.
	RegistersRevision bool
	// TaskDefinition is what the service would run: CurrentTaskDefinition,
	// the family's latest ACTIVE revision when it already matches, or
	// "FAMILY:<new revision>" when one would be registered.
	TaskDefinition string
	// ServiceDiff is ServiceDiff of the running service against
	// DeployInput.ServiceDefinition ("" when none was given or nothing
	// changes).
	ServiceDiff string
	// Update is the UpdateService request Deploy would send (its
	// TaskDefinition reads "FAMILY:<new revision>" when the revision does
	// not exist yet); nil when Deploy would make no change.
	Update *ecs.UpdateServiceInput
	// StartsDeployment reports whether the update starts a new deployment
	// (a new task definition, forceNewDeployment, or a member such as
	// networkConfiguration that starts one); DeploymentReasons says which.
	// Otherwise Deploy only waits for the service to be steady.
	StartsDeployment  bool
	DeploymentReasons []string
	// NoChange is true when Deploy would change nothing.
	NoChange bool
}

// String renders the plan for a terminal or a CI log: what is running,
// the task definition changes, the service changes and the deployment.
func (p *Plan) String() string {
	if p == nil {
		return "<no plan>"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "service %s in cluster %s runs %s\n", p.Service, orDefault(p.Cluster, "default"), shortTD(p.CurrentTaskDefinition))
	if p.NoChange {
		b.WriteString("no changes\n")
		return b.String()
	}
	if p.TaskDefinitionDiff != "" {
		verb := "reuse " + shortTD(p.TaskDefinition)
		if p.RegistersRevision {
			verb = "register " + p.TaskDefinition
		}
		fmt.Fprintf(&b, "task definition (%s):\n  %s\n", verb, strings.ReplaceAll(p.TaskDefinitionDiff, "\n", "\n  "))
	}
	if p.ServiceDiff != "" {
		fmt.Fprintf(&b, "service:\n  %s\n", strings.ReplaceAll(p.ServiceDiff, "\n", "\n  "))
	}
	if p.StartsDeployment {
		fmt.Fprintf(&b, "UpdateService starts a new deployment of %s (%s)\n", shortTD(p.TaskDefinition), strings.Join(p.DeploymentReasons, ", "))
	} else {
		b.WriteString("UpdateService starts no new deployment; Deploy waits for the service to be steady\n")
	}
	return b.String()
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// Plan reads the service and its task definition and says what Deploy
// would do with in: the task definition diff, whether a revision would be
// registered, the service changes and the deployment the update would
// start. Bad input is reported before any call, every problem at once
// (*ValidationError each, naming the field); changes UpdateService cannot
// make in place are reported the same way after the service is read.
// Plan neither waits nor emits events; options are accepted so that the
// options of a Deploy call can be passed unchanged.
func (d *deployer) Plan(ctx context.Context, in DeployInput, _ ...Option) (*Plan, error) {
	in = withServiceDefinitionTarget(in)
	if err := validatePlanInput(in); err != nil {
		return nil, err
	}
	svc, err := d.serviceForDeploy(ctx, in)
	if err != nil {
		return nil, err
	}
	current := valueOf(svc.TaskDefinition)
	p := &Plan{Cluster: in.Cluster, Service: in.Service, CurrentTaskDefinition: current, TaskDefinition: current}
	ch, err := checkServiceDefinition(svc, in)
	if err != nil {
		return nil, err
	}
	if in.TaskDefinition != nil || in.Image != "" {
		if err := d.planTaskDefinition(ctx, in, p); err != nil {
			return nil, err
		}
	}
	if ch != nil {
		p.ServiceDiff = ch.diff
	}
	newTD := p.TaskDefinition != current
	if !newTD && !in.ForceNewDeployment && in.DesiredCount == nil && (ch == nil || ch.update == nil) {
		p.NoChange = true
		return p, nil
	}
	up := &ecs.UpdateServiceInput{Cluster: optional(in.Cluster), Service: &in.Service,
		ForceNewDeployment: in.ForceNewDeployment, DesiredCount: in.DesiredCount}
	if newTD {
		up.TaskDefinition = ptr(p.TaskDefinition)
		p.DeploymentReasons = append(p.DeploymentReasons, "taskDefinition")
	}
	if in.ForceNewDeployment {
		p.DeploymentReasons = append(p.DeploymentReasons, "forceNewDeployment")
	}
	mergeServiceUpdate(up, ch)
	if ch != nil {
		p.DeploymentReasons = append(p.DeploymentReasons, ch.deploys...)
	}
	p.Update, p.StartsDeployment = up, len(p.DeploymentReasons) > 0
	return p, nil
}

// planTaskDefinition works out the wanted task definition as Deploy's
// prepare does, with reads only.
func (d *deployer) planTaskDefinition(ctx context.Context, in DeployInput, p *Plan) error {
	out, err := d.currentRevision(ctx, p.CurrentTaskDefinition, in.TaskDefinition != nil && in.TaskDefinition.Tags != nil)
	if err != nil {
		return err
	}
	cur := RegisterInput(out.TaskDefinition)
	want := in.TaskDefinition
	if in.Image != "" {
		if want, err = withImage(cur, in.Container, in.Image, shortTD(p.CurrentTaskDefinition)); err != nil {
			return err
		}
	}
	cur = registeredForDiff(out, want)
	if err := ValidateTaskDefinitionInput(want); err != nil {
		return err
	}
	family := valueOf(want.Family)
	if family == valueOf(cur.Family) {
		p.TaskDefinitionDiff = Diff(cur, want)
		if p.TaskDefinitionDiff == "" {
			return nil
		}
	} else {
		p.TaskDefinitionDiff = fmt.Sprintf("family: %q -> %q", valueOf(cur.Family), family)
	}
	latest, err := d.api.DescribeTaskDefinition(ctx, describeWithTags(&family))
	switch err = wrapAPI("DescribeTaskDefinition", err); {
	case err == nil && latest.TaskDefinition != nil && Diff(registeredForDiff(latest, want), want) == "":
		p.TaskDefinition = valueOf(latest.TaskDefinition.TaskDefinitionArn)
		return nil
	case err != nil && !errors.Is(err, ErrTaskDefinitionNotFound):
		return err
	}
	p.RegistersRevision, p.TaskDefinition = true, family+":<new revision>"
	return nil
}

// withServiceDefinitionTarget fills in.Service and in.Cluster from
// in.ServiceDefinition when they are empty.
func withServiceDefinitionTarget(in DeployInput) DeployInput {
	if def := in.ServiceDefinition; def != nil {
		if in.Service == "" {
			in.Service = valueOf(def.ServiceName)
		}
		if in.Cluster == "" {
			in.Cluster = valueOf(def.Cluster)
		}
	}
	return in
}

// validatePlanInput is validateDeployInput plus the task definition's own
// rules, so that Plan reports every problem of its input at once, before
// any call.
func validatePlanInput(in DeployInput) error {
	errs := []error{validateDeployInput(in)}
	if in.TaskDefinition != nil {
		errs = append(errs, ValidateTaskDefinitionInput(in.TaskDefinition))
	}
	var out []error
	for _, err := range errs {
		var many interface{ Unwrap() []error }
		if errors.As(err, &many) {
			out = append(out, many.Unwrap()...)
		} else if err != nil {
			out = append(out, err)
		}
	}
	return errors.Join(out...)
}

// validateDefinitions checks DeployInput.ServiceDefinition before any
// call, as LoadServiceJSON does (taskDefinition and desiredCount may be
// left out); its problems name "ServiceDefinition.<member>".
func validateDefinitions(in DeployInput) []error {
	var out []error
	if in.ServiceDefinition == nil {
		return out
	}
	if err := validateServiceFile(in.ServiceDefinition); err != nil {
		var many interface{ Unwrap() []error }
		list := []error{err}
		if errors.As(err, &many) {
			list = many.Unwrap()
		}
		for _, e := range list {
			var ve *ValidationError
			if errors.As(e, &ve) {
				out = append(out, &ValidationError{Field: "ServiceDefinition." + ve.Field, Rule: ve.Rule})
			} else {
				out = append(out, e)
			}
		}
	}
	if c := valueOf(in.ServiceDefinition.Cluster); c != "" && in.Cluster != "" && clusterNameOf(c) != clusterNameOf(in.Cluster) {
		out = append(out, &ValidationError{Field: "ServiceDefinition.cluster", Rule: fmt.Sprintf("is %q but Cluster is %q", c, in.Cluster)})
	}
	return out
}

// clusterNameOf is the name of a cluster name or ARN.
func clusterNameOf(s string) string { return valueOf(clusterName(&s)) }

// serviceForDeploy reads the ACTIVE service Deploy or Plan works on; with
// a service definition it includes the service's tags, which the
// definition is compared with.
func (d *deployer) serviceForDeploy(ctx context.Context, in DeployInput) (*types.Service, error) {
	if in.ServiceDefinition == nil {
		return d.activeService(ctx, in.Cluster, in.Service)
	}
	out, err := d.api.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: optional(in.Cluster),
		Services: []string{in.Service}, Include: []types.ServiceField{types.ServiceFieldTags}})
	if err != nil {
		return nil, wrapAPI("DescribeServices", err)
	}
	if len(out.Services) == 0 {
		reason := "MISSING"
		for _, f := range out.Failures {
			reason = valueOf(f.Reason)
		}
		return nil, &NotFoundError{Kind: ErrServiceNotFound, Name: in.Service, Cluster: in.Cluster, Reason: reason}
	}
	svc := out.Services[0]
	if st := valueOf(svc.Status); st != "" && st != "ACTIVE" {
		return nil, &NotFoundError{Kind: ErrServiceNotFound, Name: in.Service, Cluster: in.Cluster, Reason: "status " + st}
	}
	return &svc, nil
}

// checkServiceDefinition plans the service changes of in.ServiceDefinition
// against svc (nil, nil without a definition).
func checkServiceDefinition(svc *types.Service, in DeployInput) (*serviceChange, error) {
	if in.ServiceDefinition == nil {
		return nil, nil
	}
	return planServiceChange(svc, in.ServiceDefinition, in.ForceNewDeployment)
}

// startsDeployment reports whether the service changes start a deployment.
func (ch *serviceChange) startsDeployment() bool { return ch != nil && len(ch.deploys) > 0 }

// hasUpdate reports whether there are service changes to send.
func (ch *serviceChange) hasUpdate() bool { return ch != nil && ch.update != nil }

// SetImage sets the image of one container of td, in place: container
// names it, or may be "" when td has exactly one container. A container
// that does not exist is a *ValidationError listing the containers there
// are, and td is left as it was.
func SetImage(td *ecs.RegisterTaskDefinitionInput, container, image string) error {
	if td == nil {
		return &ValidationError{Field: "taskDefinition", Rule: "must not be nil"}
	}
	if image == "" {
		return &ValidationError{Field: "image", Rule: "is required"}
	}
	cp, err := withImage(td, container, image, orDefault(valueOf(td.Family), "the task definition"))
	if err != nil {
		return err
	}
	*td = *cp
	return nil
}

// describeWithTags asks for a task definition with its tags, which a
// wanted definition's tags are compared with.
func describeWithTags(ref *string) *ecs.DescribeTaskDefinitionInput {
	return &ecs.DescribeTaskDefinitionInput{TaskDefinition: ref, Include: []types.TaskDefinitionField{types.TaskDefinitionFieldTags}}
}

// registeredForDiff is the registered definition of out as a register
// request to compare want with: with its tags when want sets tags (a
// definition loaded from describe-task-definition --include TAGS output
// has them), without when want leaves them out (not compared).
func registeredForDiff(out *ecs.DescribeTaskDefinitionOutput, want *ecs.RegisterTaskDefinitionInput) *ecs.RegisterTaskDefinitionInput {
	in := RegisterInput(out.TaskDefinition)
	if in != nil && want != nil && want.Tags != nil {
		in.Tags = out.Tags
	}
	return in
}
