package ecsdeploy

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// Register validates and registers in; with WithOnlyIfChanged it reuses
// the family's latest ACTIVE revision when Diff reports no change.
func (d *deployer) Register(ctx context.Context, in *ecs.RegisterTaskDefinitionInput, opts ...Option) (*RegisterResult, error) {
	return d.register(ctx, d.cfg.with(opts), in, knownDiff{})
}

// knownDiff is a Diff already computed against one revision (by its ARN),
// so that register need not compute it again when that revision is the
// family's latest.
type knownDiff struct {
	arn, diff string
}

func (d *deployer) register(ctx context.Context, cfg config, in *ecs.RegisterTaskDefinitionInput, known knownDiff) (*RegisterResult, error) {
	if err := ValidateTaskDefinitionInput(in); err != nil {
		return nil, err
	}
	res := &RegisterResult{}
	if cfg.onlyIfChanged {
		out, err := d.api.DescribeTaskDefinition(ctx, describeWithTags(in.Family))
		switch err = wrapAPI("DescribeTaskDefinition", err); {
		case err == nil && out.TaskDefinition != nil:
			d.hc.note(out.TaskDefinition)
			if latest := valueOf(out.TaskDefinition.TaskDefinitionArn); known.arn != "" && latest == known.arn {
				res.Diff = known.diff
			} else {
				res.Diff = Diff(registeredForDiff(out, in), in)
			}
			if res.Diff == "" {
				res.TaskDefinition, res.Arn = out.TaskDefinition, valueOf(out.TaskDefinition.TaskDefinitionArn)
				d.action(cfg, "task definition %s unchanged", shortTD(res.Arn))
				return res, nil
			}
		case err != nil && !errors.Is(err, ErrTaskDefinitionNotFound):
			return nil, err
		}
	}
	out, err := d.api.RegisterTaskDefinition(ctx, in)
	if err != nil {
		return nil, wrapAPI("RegisterTaskDefinition", err)
	}
	res.TaskDefinition, res.Registered = out.TaskDefinition, true
	d.hc.note(out.TaskDefinition)
	res.Arn = valueOf(out.TaskDefinition.TaskDefinitionArn)
	d.action(cfg, "registered %s", shortTD(res.Arn))
	return res, nil
}

// undoRegister deregisters the revision Deploy registered when the
// deployment failed and WithDeregisterFailed is set; it returns err.
func (d *deployer) undoRegister(ctx context.Context, cfg config, res *DeployResult, err error) error {
	if !cfg.deregister || !res.Registered {
		return err
	}
	if _, derr := d.api.DeregisterTaskDefinition(ctx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: &res.TaskDefinitionArn}); derr != nil {
		return errors.Join(err, wrapAPI("DeregisterTaskDefinition", derr))
	}
	d.action(cfg, "deregistered %s", shortTD(res.TaskDefinitionArn))
	return err
}

// prune keeps the newest cfg.keepRevisions ACTIVE revisions of inUse's
// family, never deregistering one a deployment of the service uses.
// Errors are reported as events only: the deployment itself succeeded.
func (d *deployer) prune(ctx context.Context, cfg config, cluster, service, inUse string) {
	if cfg.keepRevisions < 1 {
		return
	}
	arns, err := d.activeRevisions(ctx, familyOf(inUse))
	if err != nil {
		d.action(cfg, "keeping revisions: %v", err)
		return
	}
	keep := map[string]bool{inUse: true}
	if svc, err := d.describeService(ctx, cluster, service); err == nil {
		for _, dp := range svc.Deployments {
			keep[valueOf(dp.TaskDefinition)] = true
		}
	}
	for _, a := range pruneList(arns, cfg.keepRevisions, keep) {
		if _, err := d.api.DeregisterTaskDefinition(ctx, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: &a}); err != nil {
			d.action(cfg, "deregistering %s: %v", shortTD(a), err)
			continue
		}
		d.action(cfg, "deregistered %s (keeping the newest %d)", shortTD(a), cfg.keepRevisions)
	}
}

// pruneList returns the revisions (newest first in arns) beyond the
// newest n, except those in keep.
func pruneList(arns []string, n int, keep map[string]bool) []string {
	var out []string
	for i, a := range arns {
		if i >= n && !keep[a] {
			out = append(out, a)
		}
	}
	return out
}

// activeRevisions lists the ACTIVE revisions of exactly family, newest first.
func (d *deployer) activeRevisions(ctx context.Context, family string) ([]string, error) {
	var arns []string
	in := &ecs.ListTaskDefinitionsInput{FamilyPrefix: &family, Status: types.TaskDefinitionStatusActive, Sort: types.SortOrderDesc}
	for {
		out, err := d.api.ListTaskDefinitions(ctx, in)
		if err != nil {
			return nil, wrapAPI("ListTaskDefinitions", err)
		}
		for _, a := range out.TaskDefinitionArns {
			if familyOf(a) == family { // FamilyPrefix matches prefixes
				arns = append(arns, a)
			}
		}
		if out.NextToken == nil || *out.NextToken == "" {
			break
		}
		in.NextToken = out.NextToken
	}
	// Sort by revision, newest first, whatever order the API used.
	sortByRevisionDesc(arns)
	return arns, nil
}

func sortByRevisionDesc(arns []string) {
	slices.SortStableFunc(arns, func(a, b string) int { return revisionOf(b) - revisionOf(a) })
}

// revisionOf returns the revision of "family:rev" or an ARN, 0 if none.
func revisionOf(ref string) int {
	i := strings.LastIndexByte(ref, ':')
	if i < 0 {
		return 0
	}
	n, err := strconv.Atoi(ref[i+1:])
	if err != nil {
		return 0
	}
	return n
}
