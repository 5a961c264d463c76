package ecsdeploy

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestRealClockSleepReturnsAtOnceWhenContextIsDone(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := (RealClock{}).Sleep(ctx, time.Hour); !errors.Is(err, context.Canceled) {
		t.Errorf("Sleep = %v, want context.Canceled", err)
	}
	if err := (RealClock{}).Sleep(t.Context(), 0); err != nil {
		t.Errorf("Sleep(0) = %v", err)
	}
}

func TestContainerOverrideSetsCommandAndSortedEnvironment(t *testing.T) {
	o := ContainerOverride("migrate", []string{"./migrate", "up"}, map[string]string{"B": "2", "A": "1"})
	if len(o.ContainerOverrides) != 1 {
		t.Fatalf("%d overrides", len(o.ContainerOverrides))
	}
	co := o.ContainerOverrides[0]
	if *co.Name != "migrate" || len(co.Command) != 2 || co.Command[1] != "up" {
		t.Errorf("override = %+v", co)
	}
	if len(co.Environment) != 2 || *co.Environment[0].Name != "A" || *co.Environment[1].Value != "2" {
		t.Errorf("environment not sorted by name: %+v", co.Environment)
	}
}

func TestOptionsPerCallOverrideDefaults(t *testing.T) {
	base := defaultConfig().with([]Option{WithTimeout(time.Minute), WithPollInterval(time.Second)})
	call := base.with([]Option{WithTimeout(time.Hour), WithRollback(), nil, WithTimeout(0)})
	if base.timeout != time.Minute || base.rollback {
		t.Errorf("per-call options leaked into the base: %+v", base)
	}
	if call.timeout != time.Hour || call.poll != time.Second || !call.rollback {
		t.Errorf("call config = %+v", call)
	}
	if _, ok := defaultConfig().clock.(RealClock); !ok {
		t.Error("default clock is not RealClock")
	}
}
