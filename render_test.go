package ecsdeploy

import (
	"strings"
	"testing"
	"time"
)

func TestTextRendererOneLinePerChangeNothingRepeated(t *testing.T) {
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	var b strings.Builder
	r := NewTextRenderer(&b)
	d1 := &DeploymentEvent{At: at, ID: "ecs-svc/2", Status: "PRIMARY", TaskDefinition: tdArn + "web:2", Desired: 2, RolloutState: "IN_PROGRESS"}
	d2 := *d1
	d2.Running = 1
	for _, e := range []Event{
		&ActionEvent{At: at, Message: "registered web:2"},
		&ServiceEvent{At: at, ID: "e1", Message: "(service web) has started 1 tasks: (task a)."},
		&ServiceEvent{At: at, ID: "e1", Message: "(service web) has started 1 tasks: (task a)."}, // same event again
		d1,
		d1, // unchanged
		&d2,
		&TaskStoppedEvent{At: at, Task: StoppedTask{TaskArn: "arn:aws:ecs:r:1:task/c/abc", StoppedReason: "Essential container in task exited",
			StopCode: "EssentialContainerExited", Containers: []ContainerExit{{Name: "app", ExitCode: ptr(int32(1))}}}},
	} {
		r.Render(e)
	}
	want := strings.Join([]string{
		"2026-01-02T03:04:05Z registered web:2",
		"2026-01-02T03:04:05Z event: (service web) has started 1 tasks: (task a).",
		"2026-01-02T03:04:05Z deployment ecs-svc/2 PRIMARY web:2 desired=2 pending=0 running=0 failed=0 IN_PROGRESS",
		"2026-01-02T03:04:05Z deployment ecs-svc/2 PRIMARY web:2 desired=2 pending=0 running=1 failed=0 IN_PROGRESS",
		"2026-01-02T03:04:05Z task abc stopped: Essential container in task exited [EssentialContainerExited], container app exit 1",
	}, "\n") + "\n"
	if b.String() != want {
		t.Errorf("rendered:\n%s\nwant:\n%s", b.String(), want)
	}
}

func TestTextRendererWithoutTimeFormat(t *testing.T) {
	var b strings.Builder
	r := NewTextRenderer(&b)
	r.TimeFormat = ""
	r.Render(&ActionEvent{At: time.Now(), Message: "deleted service web"})
	if b.String() != "deleted service web\n" {
		t.Errorf("got %q", b.String())
	}
}
