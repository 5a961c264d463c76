package chaos

import (
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// BlueGreenView is what the checker sees of one blue/green service's
// traffic at one instant.
type BlueGreenView struct {
	// Service is the service name.
	Service string
	// Groups are its targetGroupArn and alternateTargetGroupArn.
	Groups [2]string
	// Production and Test are the production and test listener rules'
	// forward weights by target group ARN.
	Production, Test map[string]int32
	// Deployment is the service's newest service deployment (nil: none).
	Deployment *types.ServiceDeployment
}

// bgStages are the lifecycle stages of a blue/green deployment in the
// order ECS documents them (API Reference, ServiceDeployment).
var bgStages = []types.ServiceDeploymentLifecycleStage{
	types.ServiceDeploymentLifecycleStageReconcileService, types.ServiceDeploymentLifecycleStagePreScaleUp,
	types.ServiceDeploymentLifecycleStageScaleUp, types.ServiceDeploymentLifecycleStagePostScaleUp,
	types.ServiceDeploymentLifecycleStageTestTrafficShift, types.ServiceDeploymentLifecycleStagePostTestTrafficShift,
	types.ServiceDeploymentLifecycleStageProductionTrafficShift, types.ServiceDeploymentLifecycleStagePostProductionTrafficShift,
	types.ServiceDeploymentLifecycleStageBakeTime, types.ServiceDeploymentLifecycleStageCleanUp,
}

// blueGreenFamily reports whether a deployment strategy is BLUE_GREEN,
// LINEAR or CANARY.
func blueGreenFamily(s types.DeploymentStrategy) bool {
	return s == types.DeploymentStrategyBlueGreen || s == types.DeploymentStrategyLinear || s == types.DeploymentStrategyCanary
}

// checkBlueGreen evaluates the blue/green invariants of each service in
// s.BlueGreen (each violation reported once per service deployment):
//
//   - bg-rule: the production and test rules forward only to the service's
//     two target groups, with weights that are not negative, at most 999
//     (ELB's bound) and not all 0;
//   - bg-stage-order: a service deployment's lifecycleStage is one of the
//     documented stages and never moves back in their order;
//   - bg-before-shift: while a blue/green deployment is in progress before
//     PRODUCTION_TRAFFIC_SHIFT, production goes entirely to one group and
//     no target of green (the PRIMARY deployment's live tasks) is in it;
//   - bg-rollback: once a deployment is rolling or rolled back, production
//     goes entirely to the group of the PRIMARY (revived) deployment's
//     live tasks;
//   - bg-completed: when the service is steady (one COMPLETED deployment,
//     desiredCount RUNNING), production goes entirely to the group holding
//     the PRIMARY deployment's targets (not "one of them healthy": a
//     target health fault can fail them all before ECS replaces the
//     tasks, and production stays where it is meanwhile).
func (c *Checker) checkBlueGreen(s Snapshot, bad reporter) {
	if len(s.BlueGreen) == 0 {
		return
	}
	once := func(inv, key, subject, format string, args ...any) {
		if !c.lbBad[inv+"|"+key] {
			c.lbBad[inv+"|"+key] = true
			bad(inv, subject, format, args...)
		}
	}
	svcs := map[string]types.Service{}
	for _, svc := range s.Services {
		svcs[aws.ToString(svc.ServiceName)] = svc
	}
	lb := map[string]int{}
	for i, t := range s.LoadBalanced {
		lb[t.TaskArn] = i
	}
	// primaryTargets counts by target group the live targets of the
	// PRIMARY deployment's RUNNING tasks not being stopped.
	primaryTargets := func(svc types.Service) map[string]int {
		groups := map[string]int{}
		var id string
		for _, d := range svc.Deployments {
			if aws.ToString(d.Status) == "PRIMARY" {
				id = aws.ToString(d.Id)
			}
		}
		for _, t := range s.Tasks {
			if aws.ToString(t.StartedBy) != id || aws.ToString(t.DesiredStatus) != "RUNNING" || aws.ToString(t.LastStatus) != "RUNNING" {
				continue
			}
			i, ok := lb[aws.ToString(t.TaskArn)]
			if !ok {
				continue
			}
			for _, tg := range s.LoadBalanced[i].Targets {
				if tg.State == "removed" || tg.State == "draining" {
					continue
				}
				groups[tg.TargetGroupArn]++
			}
		}
		return groups
	}
	for _, v := range s.BlueGreen {
		name := v.Service
		svc := svcs[name]
		d := v.Deployment
		key := name
		if d != nil {
			key = aws.ToString(d.ServiceDeploymentArn)
		}
		c.Checks += 5
		for rule, w := range map[string]map[string]int32{"production": v.Production, "test": v.Test} {
			if msg := ruleProblem(w, v.Groups); msg != "" {
				once("bg-rule", key+rule, name, "%s rule %s: weights %v", rule, msg, w)
			}
		}
		prodOn := wholeOn(v.Production)
		groups := primaryTargets(svc)
		stage := -1
		if d != nil && d.LifecycleStage != "" {
			stage = slices.Index(bgStages, d.LifecycleStage)
			arn := aws.ToString(d.ServiceDeploymentArn)
			if stage < 0 {
				once("bg-stage-order", arn, name, "deployment %s: unknown lifecycleStage %s", arn, d.LifecycleStage)
			} else if prev, seen := c.bgStage[arn]; seen && stage < prev {
				once("bg-stage-order", arn, name, "deployment %s: lifecycleStage %s after %s", arn, d.LifecycleStage, bgStages[prev])
			} else {
				c.bgStage[arn] = stage
			}
		}
		shift := slices.Index(bgStages, types.ServiceDeploymentLifecycleStageProductionTrafficShift)
		switch {
		case d != nil && stage >= 0 && stage < shift &&
			(d.Status == types.ServiceDeploymentStatusInProgress || d.Status == types.ServiceDeploymentStatusPending):
			if prodOn == "" {
				once("bg-before-shift", key, name, "stage %s: production split %v", d.LifecycleStage, v.Production)
			} else if groups[prodOn] > 0 {
				once("bg-before-shift", key, name, "stage %s: production on %s, where green has %d live targets", d.LifecycleStage, prodOn, groups[prodOn])
			}
		case d != nil && stage >= 0 && (d.Status == types.ServiceDeploymentStatusRollbackInProgress || d.Status == types.ServiceDeploymentStatusRollbackSuccessful):
			if prodOn == "" {
				once("bg-rollback", key, name, "%s: production split %v", d.Status, v.Production)
			} else if other := len(groups) - min(1, groups[prodOn]); other > 0 {
				once("bg-rollback", key, name, "%s: production on %s, the PRIMARY deployment's live targets in %v", d.Status, prodOn, groups)
			}
		}
		if steady(svc) {
			switch other := len(groups) - min(1, groups[prodOn]); {
			case prodOn == "":
				once("bg-completed", key+"steady", name, "steady, production split %v", v.Production)
			case other > 0:
				once("bg-completed", key+"steady", name, "steady, production on %s, the PRIMARY deployment's live targets in %v", prodOn, groups)
			}
		}
	}
}

// ruleProblem says what is wrong with a rule's forward weights w for a
// service whose groups are g ("" when nothing).
func ruleProblem(w map[string]int32, g [2]string) string {
	var total int32
	for tg, n := range w {
		if tg != g[0] && tg != g[1] {
			return fmt.Sprintf("forwards to %s, not one of the service's groups", tg)
		}
		if n < 0 || n > 999 {
			return fmt.Sprintf("weight %d out of 0-999", n)
		}
		total += n
	}
	if total == 0 {
		return "forwards nothing"
	}
	return ""
}

// wholeOn is the one group w sends all traffic to ("" when split or
// none).
func wholeOn(w map[string]int32) string {
	on := ""
	for tg, n := range w {
		if n > 0 {
			if on != "" {
				return ""
			}
			on = tg
		}
	}
	return on
}
