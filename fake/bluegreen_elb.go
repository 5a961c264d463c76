package fake

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/plan"
)

// A blue/green deployment whose listener rules or target groups were
// deleted under it (docs/ecs-semantics.md, "Blue/green deployments"): ECS
// registers green's tasks and changes the rules' weights through Elastic
// Load Balancing, and a call naming a rule or target group that no longer
// exists fails (RuleNotFound, TargetGroupNotFound). ECS reports such a
// failure in the service deployment's statusReason and rolls back
// (Developer Guide, "Troubleshooting Amazon ECS blue/green deployments":
// asynchronous errors "appear in the statusReason field of
// DescribeServiceDeployments and cause a deployment rollback"), whatever
// the circuit breaker's configuration.

// ELB's messages for the calls that name a missing resource.
const (
	elbRuleNotFound        = "One or more rules not found"
	elbTargetGroupNotFound = "One or more target groups not found"
)

// noRollbackCandidateReason is ECS's statusReason of a service deployment
// whose rollback found no earlier successful revision (Developer Guide,
// "Amazon ECS service action logs"; the Terraform AWS provider's
// acceptance tests expect it when a blue/green service's first
// deployment fails).
const noRollbackCandidateReason = "No rollback candidate was found to run the rollback."

// blueGreenELBLocked is what ELB would answer the calls green d's next
// stages make, for each of s's load balancers with an
// advancedConfiguration (plan.BlueGreenELB): registering in green's
// target group; the test and production rule changes, which name both
// groups of the pair.
func (e *ECS) blueGreenELBLocked(s *service, d *deployment) plan.BlueGreenELB {
	var out plan.BlueGreenELB
	blue := s.deploymentByID(d.bg.blue)
	first := func(p *string, msg string) {
		if *p == "" {
			*p = msg
		}
	}
	for i, lb := range s.loadBalancers {
		ac := lb.AdvancedConfiguration
		if ac == nil {
			continue
		}
		greenTG := targetGroupOf(s, d, i)
		blueTG := otherTargetGroup(lb, greenTG)
		if blue != nil && targetGroupOf(s, blue, i) != greenTG {
			blueTG = targetGroupOf(s, blue, i)
		}
		if e.elb.tgByArn[greenTG] == nil {
			first(&out.Register, elbTargetGroupNotFound)
		}
		if e.elb.tgByArn[greenTG] == nil || e.elb.tgByArn[blueTG] == nil {
			first(&out.Test, elbTargetGroupNotFound)
			first(&out.Production, elbTargetGroupNotFound)
		}
		if arn := aws.ToString(ac.TestListenerRule); arn != "" && e.elb.rules[arn] == nil {
			first(&out.Test, elbRuleNotFound)
		}
		if arn := aws.ToString(ac.ProductionListenerRule); arn != "" && e.elb.rules[arn] == nil {
			first(&out.Production, elbRuleNotFound)
		}
	}
	return out
}

// failBlueGreenLocked fails green d for reason (a plan.BlueGreenStep's
// Failure) at now and rolls back to the last COMPLETED deployment, as
// StopServiceDeployment's rollback does; with none, green stays the
// PRIMARY, FAILED, and its service deployment ends at once as
// syncServiceDeploymentsLocked decides for a failure that wanted a
// rollback: ROLLBACK_FAILED, "No rollback candidate was found to run the
// rollback." (a stage's failure always wants one: stageFailed). The
// service gets "(service S) (deployment D) deployment failed: <reason>"
// (the event users quote for blue/green failures).
func (e *ECS) failBlueGreenLocked(s *service, d *deployment, reason string, now time.Time) {
	e.addEventLocked(s, "(service "+s.name+") (deployment "+d.id+") deployment failed: "+reason, now)
	sd := s.serviceDeploymentOf(d.id)
	if back := lastCompletedOtherThan(s, d.id); back != nil && sd != nil {
		e.stopRollbackLocked(s, sd, back, reason, now)
		return
	}
	d.rolloutState = types.DeploymentRolloutStateFailed
	d.reason = reason
	d.updatedAt = now
	if sd != nil {
		sd.stageFailed = true
	}
	e.syncServiceDeploymentsLocked(s, now)
}
