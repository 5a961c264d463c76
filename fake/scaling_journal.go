package fake

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Snapshot/Restore of the scaling world (journal.go): CloudWatch and
// Application Auto Scaling calls are journaled by their begin helpers as
// services "cloudwatch" and "autoscaling", and SetLoad as service "load";
// their replayers are registered here.
func init() {
	journalReplayers["cloudwatch"] = func(ctx context.Context, e *ECS, op string, in []byte) error {
		return replaySDK(ctx, e.CloudWatch(), op, in)
	}
	journalReplayers["autoscaling"] = func(ctx context.Context, e *ECS, op string, in []byte) error {
		return replaySDK(ctx, e.AutoScaling(), op, in)
	}
	journalReplayers["load"] = func(_ context.Context, e *ECS, _ string, in []byte) error {
		var j loadJSON
		if err := json.Unmarshal(in, &j); err != nil {
			return err
		}
		return e.SetLoad(j.Cluster, j.Service, Load{CPU: scheduleFromJSON(j.CPU), Memory: scheduleFromJSON(j.Memory), Requests: scheduleFromJSON(j.Requests)})
	}
}

// journalLoadLocked journals a SetLoad.
func (e *ECS) journalLoadLocked(cluster, service string, l Load, now time.Time) {
	if !e.journal.on {
		return
	}
	b, err := json.Marshal(loadJSON{Cluster: cluster, Service: service, CPU: scheduleToJSON(l.CPU), Memory: scheduleToJSON(l.Memory), Requests: scheduleToJSON(l.Requests)})
	if err != nil {
		e.journal.fail(fmt.Errorf("journal: SetLoad: %v", err))
		return
	}
	e.journal.add(journalEntry{At: now, Service: "load", Op: "SetLoad", Input: b})
}
