package chaos

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake"
)

// act performs one random action: deploy a new revision (sometimes with
// an image that fails to pull), scale, or force a new deployment.
func (r *runner) act(ctx context.Context) error {
	s := r.services[r.rng.IntN(r.cfg.Services)] // the blue/green ones: actBlueGreen
	in := &ecs.UpdateServiceInput{Cluster: aws.String(Cluster), Service: aws.String(s.name)}
	kind := ""
	switch p := r.rng.Float64(); {
	case p < 0.5:
		s.version++
		tag := fmt.Sprint(s.version)
		kind = "deploy"
		if r.rng.Float64() < 0.1 {
			tag, kind = "broken-"+tag, "deploy-broken-image"
			r.rep.Faults["image-pull"]++
		}
		arn, err := r.registerRevision(ctx, s, tag)
		if err != nil {
			return err
		}
		in.TaskDefinition = aws.String(arn)
		s.intended = arn
	case p < 0.8 && s.scaling: // scaling.go: the scaler owns the count
		if p < 0.6 {
			return r.fireErrors(ctx, s)
		}
		return r.changeLoad(s)
	case p < 0.8:
		kind = "scale"
		s.rescale(r.rng)
		in.DesiredCount = aws.Int32(s.desired)
		r.disturbed[s.name] = true // two scales in one step can leave desired as it was
	default:
		kind = "force-deploy"
		in.ForceNewDeployment = true
		in.TaskDefinition = aws.String(s.intended)
	}
	r.rep.Actions[kind]++
	return r.call(ctx, "UpdateService", func() error {
		_, err := r.e.UpdateService(ctx, in)
		return err
	})
}

// fault injects one random fault.
func (r *runner) fault(ctx context.Context) error {
	if r.cfg.SpotEvery > 0 && r.rng.Float64() < 0.25 {
		return r.spotFault() // capacity.go
	}
	s := r.services[r.rng.IntN(r.cfg.Services)]
	after := time.Duration(r.rng.IntN(600)) * time.Second
	times := 1 + r.rng.IntN(3)
	switch p := r.rng.Float64(); {
	case p < 0.2:
		return r.loseInstance()
	case p < 0.35:
		return r.drainInstance(ctx)
	case p < 0.6:
		r.rep.Faults["task-crash"]++
		return r.e.InjectFault(fake.Fault{Family: s.family, Action: fake.FaultExit, ExitCode: 137, After: after, Times: times,
			Reason: "OutOfMemoryError: Container killed due to memory usage"})
	case p < 0.8:
		if !s.healthCheck {
			s = r.services[1] // odd services have health checks
		}
		r.rep.Faults["health-check-flap"]++
		return r.e.InjectFault(fake.Fault{Family: s.family, Action: fake.FaultUnhealthy, After: after, Times: times})
	case p < 0.9 || !r.hasLB():
		r.rep.Faults["fail-start"]++
		return r.e.InjectFault(fake.Fault{Family: s.family, Action: fake.FaultFailStart, Times: times})
	default:
		return r.targetHealthFault(s, after, times)
	}
}

// activeInstance picks a random instance that is neither lost nor drained.
func (r *runner) activeInstance() string {
	for range 20 {
		a := r.instances[r.rng.IntN(len(r.instances))]
		if !r.lost[a] && !r.drained[a] {
			return a
		}
	}
	return ""
}

// loseInstance loses an instance and schedules its replacement 2-5
// minutes later, as an Auto Scaling group would; one time in four, with
// managed scaling on, an instance of the managed-scaling group, which the
// fake's group replaces itself (capacity.go).
func (r *runner) loseInstance() error {
	if r.cfg.ManagedScalingEvery > 0 && r.rng.IntN(4) == 0 {
		lost, err := r.loseGroupInstance()
		if err != nil || lost {
			if lost {
				r.rep.Faults["group-instance-lost"]++
				for _, s := range r.services {
					r.disturbed[s.name] = true
				}
			}
			return err
		}
	}
	a := r.activeInstance()
	if a == "" {
		return nil
	}
	if err := r.e.LoseInstance(a); err != nil {
		return fmt.Errorf("LoseInstance: %w", err)
	}
	r.lost[a] = true
	r.rep.Faults["instance-lost"]++
	for _, s := range r.services {
		r.disturbed[s.name] = true
	}
	r.later = append(r.later, scheduled{at: r.e.Now().Add(time.Duration(120+r.rng.IntN(180)) * time.Second),
		do: func(context.Context) error { return r.addInstance() }})
	return nil
}

// drainInstance sets an instance DRAINING and schedules it back to ACTIVE
// 10-30 minutes later.
func (r *runner) drainInstance(ctx context.Context) error {
	a := r.activeInstance()
	if a == "" {
		return nil
	}
	set := func(st types.ContainerInstanceStatus) error {
		return r.call(ctx, "UpdateContainerInstancesState", func() error {
			_, err := r.e.UpdateContainerInstancesState(ctx, &ecs.UpdateContainerInstancesStateInput{
				Cluster: aws.String(Cluster), ContainerInstances: []string{a}, Status: st})
			return err
		})
	}
	if err := set(types.ContainerInstanceStatusDraining); err != nil {
		return err
	}
	r.drained[a] = true
	r.rep.Faults["instance-drained"]++
	r.later = append(r.later, scheduled{at: r.e.Now().Add(time.Duration(600+r.rng.IntN(1200)) * time.Second),
		do: func(ctx context.Context) error {
			if r.lost[a] {
				return nil
			}
			delete(r.drained, a)
			return set(types.ContainerInstanceStatusActive)
		}})
	return nil
}
