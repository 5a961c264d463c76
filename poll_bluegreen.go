package ecsdeploy

import (
	"math"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// blueGreenMinimum is the least time a blue/green (BLUE_GREEN, LINEAR or
// CANARY) deployment takes from the moment its tasks all run to its
// completion: production traffic shifts no sooner than that, then the
// canary's bake (CANARY) or the step bakes (LINEAR: one after each step
// but the last, "not applied after reaching 100 percent traffic"), then
// bakeTimeInMinutes, then blue's clean-up (ECS API Reference,
// DeploymentConfiguration, CanaryConfiguration, LinearConfiguration;
// developer guide "Amazon ECS blue/green service deployments workflow").
// Unset members count 0, which keeps it a lower bound whatever ECS's
// defaults. ok is false for other strategies.
func blueGreenMinimum(dc *types.DeploymentConfiguration) (d time.Duration, ok bool) {
	if dc == nil {
		return 0, false
	}
	switch dc.Strategy {
	case types.DeploymentStrategyBlueGreen:
	case types.DeploymentStrategyCanary:
		if c := dc.CanaryConfiguration; c != nil && valueOf(c.CanaryPercent) < 100 {
			d += minutes(c.CanaryBakeTimeInMinutes)
		}
	case types.DeploymentStrategyLinear:
		if l := dc.LinearConfiguration; l != nil && valueOf(l.StepPercent) > 0 {
			steps := int(math.Ceil(100/valueOf(l.StepPercent)-1e-9)) - 1
			d += time.Duration(max(steps, 0)) * minutes(l.StepBakeTimeInMinutes)
		}
	default:
		return 0, false
	}
	return d + minutes(dc.BakeTimeInMinutes), true
}

// minutes is a configuration's count of minutes (unset or negative: 0).
func minutes(p *int32) time.Duration { return time.Duration(max(valueOf(p), 0)) * time.Minute }

// bakeAllowance is how much longer than the timeout a wait for the
// PRIMARY deployment of svc (an update's or a creation's response) may
// take: a blue/green deployment, a service's first one included (it
// passes the same stages: docs/ecs-semantics.md, "Blue/green
// deployments"), spends at least blueGreenMinimum in its bake times,
// which the user chose and which the timeout (bounding ECS's own work, 15
// minutes by default) should not have to cover. It is 0 for rolling
// services.
func bakeAllowance(svc *types.Service) time.Duration {
	if svc == nil || findPrimary(svc.Deployments) == nil {
		return 0
	}
	d, _ := blueGreenMinimum(svc.DeploymentConfiguration)
	return d
}

// replacesAnother reports whether svc lists a deployment other than id:
// the blue one a blue/green deployment replaces. It stays listed through
// the clean-up, while its tasks, no longer counted as running, drain.
func replacesAnother(svc *types.Service, id string) bool {
	for _, d := range svc.Deployments {
		if valueOf(d.Id) != id {
			return true
		}
	}
	return false
}

// watchSteps is the default watch interval in fast steps: the most
// between two reads of a blue/green deployment (WithWatchInterval sets
// another). A failure ECS reports at any time (a deployment alarm, the
// circuit breaker once green serves traffic, a rollback or a newer
// deployment started outside) is seen within the watch interval of it
// (watchSteps * WithPollInterval, 1 minute by default), however long the
// bakes and the clean-up are.
const watchSteps = 12

// bgKnowledge is what the poll schedule knows of a blue/green deployment
// beyond DescribeServices: its lifecycle stage, as
// DescribeServiceDeployments showed it (noteStage), and the deregistration
// delay of the target groups blue drains from (noteDelay). The poll loop
// reads them when the schedule asks (wantsStage, wantsDelay).
type bgKnowledge struct {
	// arn is the service deployment stage describes.
	arn string
	// stage is its last lifecycle stage read, stageFrom the earliest
	// instant it may have begun, and stageRead when it was read.
	stage     types.ServiceDeploymentLifecycleStage
	stageFrom time.Time
	stageRead time.Time
	// delays are the deregistration delays read, by target group (a
	// negative one could not be read).
	delays map[string]time.Duration
	// cleanup is the whole clean-up (blue's stop to completion) the
	// service's last deployment took (history.drain; 0: unknown).
	cleanup time.Duration
	// scaledInFrom is the earliest instant blue may have been scaled in,
	// once a reading showed it (noteScaledIn): the read before the first
	// that showed it (zero: not shown).
	scaledInFrom time.Time
}

// stageOrder is the position of st among the lifecycle stages (-1: not
// one a blue/green deployment passes in order).
func stageOrder(st types.ServiceDeploymentLifecycleStage) int {
	for i, s := range []types.ServiceDeploymentLifecycleStage{
		types.ServiceDeploymentLifecycleStagePreScaleUp, types.ServiceDeploymentLifecycleStageScaleUp,
		types.ServiceDeploymentLifecycleStagePostScaleUp, types.ServiceDeploymentLifecycleStageTestTrafficShift,
		types.ServiceDeploymentLifecycleStagePostTestTrafficShift, types.ServiceDeploymentLifecycleStageProductionTrafficShift,
		types.ServiceDeploymentLifecycleStagePostProductionTrafficShift, types.ServiceDeploymentLifecycleStageBakeTime,
		types.ServiceDeploymentLifecycleStageCleanUp,
	} {
		if s == st {
			return i
		}
	}
	return -1
}

// blueGreenActive reports whether ours is an IN_PROGRESS blue/green
// deployment of svc with tasks (the schedule's blue/green rules apply):
// one that replaces another, or the service's first deployment, which
// passes the same stages, bakes included, into the group production does
// not serve, and completes at CLEAN_UP with nothing to drain
// (docs/ecs-semantics.md, "Blue/green deployments"; firstBlueGreen).
func blueGreenActive(svc *types.Service, ours *types.Deployment) bool {
	if ours == nil || ours.DesiredCount <= 0 || ours.RolloutState != types.DeploymentRolloutStateInProgress {
		return false
	}
	return blueGreenFamily(svc) && (replacesAnother(svc, valueOf(ours.Id)) || firstBlueGreen(svc, ours))
}

// firstBlueGreen reports whether ours is the only deployment svc lists:
// with a blue/green strategy, the service's first deployment (any later
// one keeps blue listed until its clean-up ends, replacesAnother). It has
// no blue to scale in, so the service never shows its clean-up
// (blueScaledIn): the stage read does, and the deployment completes then.
func firstBlueGreen(svc *types.Service, ours *types.Deployment) bool {
	return ours != nil && len(svc.Deployments) == 1 && valueOf(svc.Deployments[0].Id) == valueOf(ours.Id)
}

// watch is the longest wait between two reads of a blue/green
// deployment: the watch interval (config.watchInterval, which is at
// least one fast step).
func (s *pollSchedule) watch() time.Duration { return s.watchEvery }

// pastScaleUp reports whether green is known to have scaled up (it gets
// traffic, bakes or is being cleaned up): from then on the circuit
// breaker and alarms are watched at the watch interval.
func (s *pollSchedule) pastScaleUp(svc *types.Service, ours *types.Deployment) bool {
	if s.cleanupBegun(svc, ours) {
		return true
	}
	return stageOrder(s.bg.stage) > stageOrder(types.ServiceDeploymentLifecycleStageScaleUp)
}

// wantsStage reports whether the schedule needs the lifecycle stage of
// svc's current service deployment at now: ours's tasks all run, blue's
// clean-up is not seen, and either when green finished scaling up (the
// instant its bakes start from) is not known yet, or the clean-up should
// have begun (the stage says whether it did, when the service does not
// show it).
func (s *pollSchedule) wantsStage(svc *types.Service, ours *types.Deployment, now time.Time) bool {
	if !s.predict || !blueGreenActive(svc, ours) || !allRunning(ours) || s.cleanupBegun(svc, ours) {
		return false
	}
	if stageOrder(s.bg.stage) <= stageOrder(types.ServiceDeploymentLifecycleStageScaleUp) {
		return true // not pastScaleUp: its clean-up check just failed above
	}
	c, ok := s.predictedCleanup(svc)
	return ok && !now.Before(c)
}

// stageMayChange reports whether the lifecycle stage of ours may have
// changed since the last stage read, as far as the schedule knows: not
// before the next stage's earliest start when the stage's end is known
// (a traffic shift's bakes, BAKE_TIME; CLEAN_UP ends with the completion,
// which the service shows), always otherwise (a stage ends when green
// is healthy, or ECS does what the schedule does not foresee).
func (s *pollSchedule) stageMayChange(svc *types.Service, ours *types.Deployment, now time.Time) bool {
	if !s.predict || !blueGreenActive(svc, ours) || s.bg.stageRead.IsZero() {
		return true
	}
	c, ok := s.predictedCleanup(svc)
	switch o := stageOrder(s.bg.stage); {
	case !ok:
		return true // green scales up, or an unknown stage
	case o == stageOrder(types.ServiceDeploymentLifecycleStageCleanUp):
		return false
	case o <= stageOrder(types.ServiceDeploymentLifecycleStageProductionTrafficShift):
		// The traffic shifts end where BAKE_TIME begins: bakeTimeInMinutes
		// before the clean-up.
		c = c.Add(-minutes(svc.DeploymentConfiguration.BakeTimeInMinutes))
	}
	return !now.Before(c)
}

// noteStage records a reading at now of ours's service deployment arn:
// its lifecycle stage and updatedAt. A stage other than the last one read
// began after that read; updatedAt, when it falls after it, says when
// (ECS stamps the service deployment when it changes), else the stage is
// taken to have begun just after that read (or ours's creation), so that
// predictions from it err early.
func (s *pollSchedule) noteStage(arn string, st types.ServiceDeploymentLifecycleStage, updatedAt time.Time, ours *types.Deployment, now time.Time) {
	b := &s.bg
	if arn != b.arn {
		b.arn, b.stage, b.stageFrom, b.stageRead = arn, "", time.Time{}, time.Time{}
	}
	if st != b.stage {
		from := b.stageRead
		if from.IsZero() && ours != nil {
			from = valueOf(ours.CreatedAt)
		}
		if !updatedAt.IsZero() && !updatedAt.After(now) && updatedAt.After(from) {
			from = updatedAt
		}
		b.stage, b.stageFrom = st, from
	}
	b.stageRead = now
}

// wantsDelay returns the target groups whose deregistration delay the
// schedule needs and has not read: those blue's clean-up deregistered
// targets from (cleanup).
func (s *pollSchedule) wantsDelay(svc *types.Service, ours *types.Deployment) []string {
	if !s.predict || !blueGreenActive(svc, ours) {
		return nil
	}
	_, groups, ok := s.cleanup(svc, ours)
	if !ok {
		return nil
	}
	var out []string
	for _, g := range groups {
		if _, read := s.bg.delays[g]; !read {
			out = append(out, g)
		}
	}
	return out
}

// noteDelay records target group tg's deregistration delay (ok false: it
// could not be read).
func (s *pollSchedule) noteDelay(tg string, delay time.Duration, ok bool) {
	if s.bg.delays == nil {
		s.bg.delays = map[string]time.Duration{}
	}
	if !ok {
		delay = -1
	}
	s.bg.delays[tg] = delay
}

// blueGreenRead is when to read for the completion of ours, an IN_PROGRESS
// blue/green deployment that replaces another (blueGreenActive), read at
// now:
//   - once blue's clean-up started (cleanup, at C): C + the expected
//     clean-up (cleanupDrain: the deregistration delay of the groups blue
//     drains from, plus 4/5 of what the last deployment's clean-up took
//     beyond it), predicted; every fast step once that instant passed or
//     when nothing is known;
//   - before: the instant the clean-up is expected to begin, from the
//     stage read (BAKE_TIME's start + bakeTimeInMinutes, or the traffic
//     shift's start + the step or canary bakes + bakeTimeInMinutes),
//     predicted; without it the earliest instant (the tasks all running,
//     plus every bake: blueGreenMinimum), a bound.
func (s *pollSchedule) blueGreenRead(svc *types.Service, ours *types.Deployment, now time.Time) time.Time {
	fast := now.Add(s.fast)
	if c, groups, ok := s.cleanup(svc, ours); ok {
		if d, known := s.cleanupDrain(svc, groups); known {
			if at := c.Add(d + predictionMargin); at.After(now) {
				return at
			}
		}
		return fast
	}
	if c, ok := s.predictedCleanup(svc); ok {
		if at := c.Add(predictionMargin); at.After(now) {
			return at
		}
		return fast
	}
	minimum, _ := blueGreenMinimum(svc.DeploymentConfiguration)
	return later(fast, later(valueOf(ours.CreatedAt), s.allRunningFrom).Add(minimum))
}

// predictedCleanup is when blue's clean-up is expected to begin, from the
// lifecycle stage read: the bakes left after the stage's start (ok false
// while green scales up, or with no stage read).
func (s *pollSchedule) predictedCleanup(svc *types.Service) (time.Time, bool) {
	dc := svc.DeploymentConfiguration
	switch o := stageOrder(s.bg.stage); {
	case o < 0 || o <= stageOrder(types.ServiceDeploymentLifecycleStageScaleUp):
		return time.Time{}, false
	case o <= stageOrder(types.ServiceDeploymentLifecycleStageProductionTrafficShift):
		d, _ := blueGreenMinimum(dc)
		return s.bg.stageFrom.Add(d), true
	case o < stageOrder(types.ServiceDeploymentLifecycleStageCleanUp):
		return s.bg.stageFrom.Add(minutes(dc.BakeTimeInMinutes)), true
	default:
		return s.bg.stageFrom, true
	}
}

// cleanupDrain is how long blue's clean-up is expected to take from its
// start, blue having deregistered targets from groups: the longest of
// their deregistration delays (ECS stops a task once its targets are
// deregistered; Elastic Load Balancing keeps a deregistered target
// draining for the delay), plus 4/5 of what the service's last clean-up
// took beyond it (the tasks' own stop); without delays (or with a group
// whose delay could not be read), 4/5 of the last clean-up. A service
// without load balancers drains nothing. known is false when nothing
// tells.
func (s *pollSchedule) cleanupDrain(svc *types.Service, groups []string) (d time.Duration, known bool) {
	delay, ok := time.Duration(0), len(groups) > 0 || len(svc.LoadBalancers) == 0
	for _, g := range groups {
		v, read := s.bg.delays[g]
		if !read || v < 0 {
			ok = false
			break
		}
		delay = max(delay, v)
	}
	switch {
	case ok:
		return delay + max(s.bg.cleanup-delay, 0)*4/5, true
	case s.bg.cleanup > 0:
		return s.bg.cleanup * 4 / 5, true
	}
	return 0, false
}

// cleanup reports whether blue's clean-up began (cleanupBegun), when,
// and the target groups it drains (those named by "deregistered N targets
// in (target-group ARN)" events since ours's creation). When the service
// shows it (blueScaledIn), it began at the latest "has stopped N running
// tasks" or "deregistered N targets" service event since ours's
// creation, else just after the last read that did not show it (the
// earliest it may have begun, so that predictions err early:
// noteScaledIn); when only the stage read does (CLEAN_UP), at that
// stage's start.
func (s *pollSchedule) cleanup(svc *types.Service, ours *types.Deployment) (at time.Time, groups []string, ok bool) {
	if !s.cleanupBegun(svc, ours) {
		return time.Time{}, nil, false
	}
	latest, groups := s.scan.of(svc, valueOf(ours.CreatedAt))
	switch {
	case !blueScaledIn(svc, ours):
		at = s.bg.stageFrom
	case latest.IsZero() && !s.bg.scaledInFrom.IsZero():
		at = s.bg.scaledInFrom
	case latest.IsZero():
		// The reading that first shows it, asked before next noted it
		// (learn): s.lastAt is still the read before it.
		at = s.lastAt
	default:
		at = latest
	}
	return at, groups, true
}

// noteScaledIn records, for a reading of svc at now that next takes
// (prevAt the read before it, zero for a wait's first), the earliest
// instant blue may have been scaled in: when this is the first reading to
// show it (blueScaledIn), the read before; on a wait's first read, ours's
// creation plus its bakes (blueGreenMinimum), or now when that is
// unknown or later. A reading that does not show it forgets it.
func (s *pollSchedule) noteScaledIn(svc *types.Service, ours *types.Deployment, prevAt, now time.Time) {
	switch {
	case !blueScaledIn(svc, ours):
		s.bg.scaledInFrom = time.Time{}
	case !s.bg.scaledInFrom.IsZero():
	case !prevAt.IsZero():
		s.bg.scaledInFrom = prevAt
	default:
		from := now
		if c := valueOf(ours.CreatedAt); !c.IsZero() {
			minimum, _ := blueGreenMinimum(svc.DeploymentConfiguration)
			if at := c.Add(minimum); at.Before(now) {
				from = at
			}
		}
		s.bg.scaledInFrom = from
	}
}

// cleanupBegun reports whether blue's clean-up began: the service shows it
// (blueScaledIn), or else the stage read does (CLEAN_UP). It reads no
// event.
func (s *pollSchedule) cleanupBegun(svc *types.Service, ours *types.Deployment) bool {
	return blueScaledIn(svc, ours) || ours != nil && s.bg.stage == types.ServiceDeploymentLifecycleStageCleanUp
}

// blueScaledIn reports whether svc shows blue's clean-up under way: every
// deployment other than ours (there is one) was scaled to 0 (ECS scales
// blue in at CLEAN_UP; until then it keeps it at the desired count beside
// green).
func blueScaledIn(svc *types.Service, ours *types.Deployment) bool {
	if ours == nil {
		return false
	}
	id, other := valueOf(ours.Id), false
	for _, d := range svc.Deployments {
		if valueOf(d.Id) != id {
			if d.DesiredCount != 0 {
				return false
			}
			other = true
		}
	}
	return other
}

// eventScan keeps cleanupEvents of the reading last scanned: the poll loop
// asks of one reading (a *types.Service it never changes) what learn
// needs (wantsDelay), then what next does (blueGreenRead), and the events
// are scanned once.
type eventScan struct {
	svc    *types.Service
	since  time.Time
	latest time.Time
	groups []string
}

// of is cleanupEvents(svc, since), scanned once per reading.
func (c *eventScan) of(svc *types.Service, since time.Time) (latest time.Time, groups []string) {
	if c.svc != svc || !c.since.Equal(since) {
		c.latest, c.groups = cleanupEvents(svc, since)
		c.svc, c.since = svc, since
	}
	return c.latest, c.groups
}

// cleanupEvents returns the latest "has stopped N running tasks" or
// "deregistered N targets" service event of svc since the instant since
// (zero: none), and the target groups the "deregistered N targets in
// (target-group ARN)" events since then name.
func cleanupEvents(svc *types.Service, since time.Time) (latest time.Time, groups []string) {
	for _, e := range svc.Events {
		m, t := valueOf(e.Message), valueOf(e.CreatedAt)
		if t.Before(since) {
			continue
		}
		stopped := strings.Contains(m, ") has stopped ") && strings.Contains(m, " running tasks")
		const mark = " targets in (target-group "
		i := strings.Index(m, mark)
		dereg := strings.Contains(m, ") deregistered ") && i >= 0
		if dereg {
			if arn, _, cut := strings.Cut(m[i+len(mark):], ")"); cut && !slices.Contains(groups, arn) {
				groups = append(groups, arn)
			}
		}
		if (stopped || dereg) && t.After(latest) {
			latest = t
		}
	}
	return latest, groups
}
