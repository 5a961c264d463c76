package ecsdeploy

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

func TestWaitFailsOnFailedPrimaryWithItsStoppedTasks(t *testing.T) {
	api := &scripted{
		services: func(n int) (*ecs.DescribeServicesOutput, error) {
			if n < 2 {
				return out(svcWith(1, 0, dep("ecs-svc/5", "PRIMARY", "web:5", inProgress, 1, 0))), nil
			}
			return out(svcWith(1, 0, withReason(dep("ecs-svc/5", "PRIMARY", "web:5", failed, 1, 0), "ECS deployment circuit breaker: tasks failed to start."))), nil
		},
		list: func(in *ecs.ListTasksInput) (*ecs.ListTasksOutput, error) {
			return &ecs.ListTasksOutput{TaskArns: []string{"arn:aws:ecs:r:1:task/c/t1", "arn:aws:ecs:r:1:task/c/t2"}}, nil
		},
		tasks: func(in *ecs.DescribeTasksInput) (*ecs.DescribeTasksOutput, error) {
			var o ecs.DescribeTasksOutput
			for _, a := range in.Tasks {
				o.Tasks = append(o.Tasks, types.Task{TaskArn: ptr(a), StoppedReason: ptr("Essential container in task exited"),
					Containers: []types.Container{{Name: ptr("app"), ExitCode: ptr(int32(137))}}})
			}
			return &o, nil
		},
	}
	var stopped int
	_, err := New(api, WithClock(newStepClock()), WithEvents(func(e Event) {
		if _, ok := e.(*TaskStoppedEvent); ok {
			stopped++
		}
	})).Wait(t.Context(), "c", "web")
	var df *DeploymentFailedError
	if !errors.As(err, &df) || df.DeploymentID != "ecs-svc/5" || len(df.StoppedTasks) != 2 || df.RolledBack {
		t.Fatalf("err = %v", err)
	}
	if c := df.StoppedTasks[0].Containers[0]; *c.ExitCode != 137 {
		t.Errorf("exit code = %d", *c.ExitCode)
	}
	if stopped != 2 || api.calls["DescribeServices"] != 3 || api.calls["DescribeTasks"] != 1 {
		t.Errorf("stopped events %d, calls %v", stopped, api.calls)
	}
}

func TestDeleteServiceScalesToZeroWaitsThenDeletes(t *testing.T) {
	var deleted bool
	api := &scripted{}
	api.services = func(n int) (*ecs.DescribeServicesOutput, error) {
		switch {
		case deleted && n > 4:
			s := svcWith(0, 0)
			s.Status = ptr("INACTIVE")
			return out(s), nil
		case deleted:
			s := svcWith(0, 0)
			s.Status = ptr("DRAINING")
			return out(s), nil
		case n < 3:
			return out(svcWith(0, 2, dep("ecs-svc/1", "PRIMARY", "web:1", completed, 0, 2))), nil
		}
		return out(svcWith(0, 0, dep("ecs-svc/1", "PRIMARY", "web:1", completed, 0, 0))), nil
	}
	api.update = func(in *ecs.UpdateServiceInput) (*ecs.UpdateServiceOutput, error) {
		if in.DesiredCount == nil || *in.DesiredCount != 0 || in.TaskDefinition != nil || in.ForceNewDeployment {
			t.Errorf("scale update = %+v", in)
		}
		return &ecs.UpdateServiceOutput{Service: svcWith(0, 2, dep("ecs-svc/1", "PRIMARY", "web:1", completed, 0, 2))}, nil
	}
	d := New(&deleteTracking{api, &deleted}, WithClock(newStepClock()))
	if err := d.DeleteService(t.Context(), "c", "web"); err != nil {
		t.Fatal(err)
	}
	if !deleted || api.calls["DescribeServices"] != 6 {
		t.Errorf("deleted=%v calls=%v", deleted, api.calls)
	}
}

// deleteTracking records that DeleteService ran only after the drain.
type deleteTracking struct {
	*scripted
	deleted *bool
}

func (d *deleteTracking) DeleteService(ctx context.Context, in *ecs.DeleteServiceInput, o ...func(*ecs.Options)) (*ecs.DeleteServiceOutput, error) {
	if d.calls["DescribeServices"] < 4 {
		return nil, errors.New("DeleteService before the tasks drained")
	}
	*d.deleted = true
	return d.scripted.DeleteService(ctx, in, o...)
}
