package ecsdeploy

import (
	"fmt"
	"io"
	"sync"
	"text/tabwriter"
	"time"
)

// TextRenderer prints Events as text for terminals and CI logs: one line
// per change, never the same line twice in a row for the same subject.
type TextRenderer struct {
	mu   sync.Mutex
	w    io.Writer
	last map[string]string
	// TimeFormat formats each line's timestamp; "" omits it.
	TimeFormat string
}

// NewTextRenderer returns a renderer writing to w with RFC 3339 times.
// Pass its Render method to WithEvents.
func NewTextRenderer(w io.Writer) *TextRenderer {
	return &TextRenderer{w: w, last: map[string]string{}, TimeFormat: time.RFC3339}
}

// Render writes one line for e unless it repeats the previous line for
// the same subject (a service event id, a deployment, a task).
func (r *TextRenderer) Render(e Event) {
	if e == nil {
		return
	}
	key, text := "", e.String()
	switch ev := e.(type) {
	case *ServiceEvent:
		key, text = "event:"+ev.ID, "event: "+ev.Message
	case *DeploymentEvent:
		key = "deployment:" + ev.ID
	case *TaskStoppedEvent:
		key = "task:" + ev.Task.TaskArn
	case *RollbackEvent:
		key = "rollback:" + ev.Service + ":" + ev.DeploymentID
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if key != "" {
		if r.last[key] == text {
			return
		}
		r.last[key] = text
	}
	if r.TimeFormat != "" && !e.Time().IsZero() {
		fmt.Fprintf(r.w, "%s %s\n", e.Time().UTC().Format(r.TimeFormat), text)
	} else {
		fmt.Fprintln(r.w, text)
	}
	if ev, ok := e.(*TaskStoppedEvent); ok {
		// The containers' last log lines go under the stop reason.
		fmt.Fprint(r.w, ev.Task.LogText())
	}
}

// PrintTable writes the service's one-line summary and its deployments as
// an aligned table (one row per deployment: id, status, task definition,
// desired/pending/running/failed counts, rollout state), as a deploy tool
// shows it after each step.
func (s *Status) PrintTable(w io.Writer) {
	svc := s.Service
	fmt.Fprintf(w, "service %s: %s, task definition %s, desired %d, running %d, pending %d\n",
		valueOf(svc.ServiceName), valueOf(svc.Status), shortTD(valueOf(svc.TaskDefinition)),
		svc.DesiredCount, svc.RunningCount, svc.PendingCount)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  DEPLOYMENT\tSTATUS\tTASK DEFINITION\tDESIRED\tPENDING\tRUNNING\tFAILED\tROLLOUT")
	for _, d := range svc.Deployments {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%d\t%d\t%d\t%d\t%s\n", valueOf(d.Id), valueOf(d.Status),
			shortTD(valueOf(d.TaskDefinition)), d.DesiredCount, d.PendingCount, d.RunningCount, d.FailedTasks, d.RolloutState)
	}
	tw.Flush()
	for _, h := range s.TargetGroups { // with WithLoadBalancers
		fmt.Fprintf(w, "  %s\n", h)
	}
}
