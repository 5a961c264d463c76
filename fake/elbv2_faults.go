package fake

import (
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/ecsdeploy/ecsdeploy/fake/internal/targethealth"
)

// TargetHealthFault makes load balancer health checks of matching targets
// fail. A target matches when every field that is set matches: Image and
// Family select targets registered by ECS tasks (an image of one of the
// task's containers, * wildcards allowed; the task definition family),
// Port the container port of an ECS target or the port of any other
// target, TargetGroup the group's name or ARN. It applies to targets
// registered after it is injected.
type TargetHealthFault struct {
	// Image selects ECS targets whose task runs a container with this image.
	Image string
	// Family selects ECS targets whose task definition family is this.
	Family string
	// Port selects targets by container port (ECS) or target port.
	Port int32
	// TargetGroup selects targets of the group with this name or ARN.
	TargetGroup string
	// Reason is the failure reason code: Target.ResponseCodeMismatch
	// (default for HTTP health checks), Target.Timeout,
	// Target.FailedHealthChecks (default for TCP) or Elb.InternalError.
	Reason string
	// Code is the HTTP code of a Target.ResponseCodeMismatch (default 502).
	Code int
	// After is how long after registration checks start failing (0: from
	// the first check).
	After time.Duration
	// Flap, when positive, makes checks alternate: Flap failing, Flap
	// passing, ... from After on.
	Flap time.Duration
	// Times limits how many targets the fault hits (0: unlimited).
	Times int
}

type healthFaultState struct {
	f    TargetHealthFault
	used int
}

// InjectHealthFault adds a target health fault. A TargetGroup given as
// an ARN must be the ARN of a target group the fake has (its whole ARN:
// one of another account, region or partition names none), else the
// error is ELB's TargetGroupNotFound; a name may name a group created
// later.
func (x *ELBv2) InjectHealthFault(f TargetHealthFault) error { return x.injectHealthFault(f, -1) }

// injectHealthFault is InjectHealthFault refusing a fault past limit
// target health faults in force (a negative limit: none).
func (x *ELBv2) injectHealthFault(f TargetHealthFault, limit int) error {
	if f.Reason != "" && !targethealth.IsFailureReason(f.Reason) {
		return fmt.Errorf("target health fault reason %q: must be Target.ResponseCodeMismatch, Target.Timeout, Target.FailedHealthChecks or Elb.InternalError", f.Reason)
	}
	if f.Code != 0 && (f.Code < 100 || f.Code > 599) {
		return fmt.Errorf("target health fault code %d: must be an HTTP status code (100-599)", f.Code)
	}
	if f.After < 0 || f.Flap < 0 || f.Times < 0 || f.Port < 0 || f.Port > 65535 {
		return fmt.Errorf("target health fault: after, flap, times must not be negative and port must be 0-65535")
	}
	x.e.mu.Lock()
	defer x.e.mu.Unlock()
	if strings.HasPrefix(f.TargetGroup, "arn:") && x.e.elb.tgByArn[f.TargetGroup] == nil {
		return errTGNotFound()
	}
	if limit >= 0 && len(x.e.elb.faults) >= limit {
		return errFaultLimit
	}
	x.e.journalControlLocked("InjectHealthFault", f, x.e.simNow)
	x.e.elb.faults = append(x.e.elb.faults, &healthFaultState{f: f})
	return nil
}

// ClearHealthFaults removes every target health fault (targets already
// registered keep the behaviour they were given).
func (x *ELBv2) ClearHealthFaults() {
	x.e.mu.Lock()
	defer x.e.mu.Unlock()
	x.e.journalControlLocked("ClearHealthFaults", nil, x.e.simNow)
	x.e.elb.faults = nil
}

// healthBehaviourLocked decides, from the faults, how a newly registered
// target answers health checks, and the HTTP code of its failures.
func (e *ECS) healthBehaviourLocked(tg *targetGroup, t *target, now time.Time) (targethealth.Behaviour, int) {
	for _, fs := range e.elb.faults {
		f := fs.f
		if f.Times > 0 && fs.used >= f.Times {
			continue
		}
		if f.TargetGroup != "" && f.TargetGroup != tg.name && f.TargetGroup != tg.arn {
			continue
		}
		if (f.Image != "" || f.Family != "") && t.task == nil {
			continue
		}
		if f.Family != "" && aws.ToString(t.task.td.def.Family) != f.Family {
			continue
		}
		if f.Image != "" && !taskRunsImage(t.task, f.Image) {
			continue
		}
		if f.Port != 0 && f.Port != t.port && (t.task == nil || !taskHasContainerPort(t.task, f.Port)) {
			continue
		}
		fs.used++
		reason := f.Reason
		if reason == "" {
			reason = targethealth.ReasonFailedHealthChecks
			if isHTTPProtocol(tg.hc.protocol) {
				reason = targethealth.ReasonResponseCodeMismatch
			}
		}
		code := f.Code
		if code == 0 {
			code = 502
		}
		return targethealth.Behaviour{Fail: true, FailFrom: now.Add(f.After), Flap: f.Flap, Reason: reason}, code
	}
	return targethealth.Behaviour{}, 0
}

func taskRunsImage(t *task, pattern string) bool {
	for _, c := range t.containers {
		if glob(pattern, c.image) {
			return true
		}
	}
	return false
}

func taskHasContainerPort(t *task, port int32) bool {
	for _, lb := range t.svc.loadBalancers {
		if aws.ToInt32(lb.ContainerPort) == port {
			return true
		}
	}
	return false
}
