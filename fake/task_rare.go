package fake

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// A crash loop writes a whole task into cold memory for each life
// (task_alloc.go): what few tasks have lives out of the task, in a
// taskRare that a task's storage keeps for the next task needing one.

// taskRare holds what few tasks have.
type taskRare struct {
	// visibleAt: reads before it do not see the task (consistency.go).
	visibleAt time.Time
	overrides *types.TaskOverride
	// eni and privateIP are an awsvpc task's network interface and
	// address (elbv2_ecs.go).
	eni, privateIP string
	// historyFull, when not nil, is the task's whole history, kept in
	// full from the first change a compact entry cannot hold
	// (task_history.go).
	historyFull []TaskStateChange
}

// needRare returns t.rare, which it sets first when t has none: its
// storage's, cleared (the task that used it is unreachable), or a new one.
func (t *task) needRare() *taskRare {
	if t.rare != nil {
		return t.rare
	}
	st := t.st
	switch {
	case st == nil || &st.t != t:
		t.rare = &taskRare{}
	case st.rare != nil:
		*st.rare = taskRare{}
		t.rare = st.rare
	default:
		st.rare = &taskRare{}
		t.rare = st.rare
	}
	return t.rare
}

// visibleAt is when reads start seeing t (zero: at once).
func (t *task) visibleAt() time.Time {
	if t.rare == nil {
		return time.Time{}
	}
	return t.rare.visibleAt
}

// setVisibleAt sets t.visibleAt().
func (t *task) setVisibleAt(at time.Time) {
	if at.IsZero() && t.rare == nil {
		return
	}
	t.needRare().visibleAt = at
}

// overrides are the overrides t was started with (nil: none).
func (t *task) overrides() *types.TaskOverride {
	if t.rare == nil {
		return nil
	}
	return t.rare.overrides
}

// eni is an awsvpc task's network interface ID ("" otherwise).
func (t *task) eni() string {
	if t.rare == nil {
		return ""
	}
	return t.rare.eni
}

// privateIP is an awsvpc task's private IPv4 address ("" otherwise).
func (t *task) privateIP() string {
	if t.rare == nil {
		return ""
	}
	return t.rare.privateIP
}
