package ecsdeploy

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestStatusPrintTableOneRowPerDeployment: the summary line names the
// service's revision and counts; each deployment gets one aligned row.
func TestStatusPrintTableOneRowPerDeployment(t *testing.T) {
	st := &Status{Service: types.Service{
		ServiceName: ptr("web"), Status: ptr("ACTIVE"),
		TaskDefinition: ptr("arn:aws:ecs:us-east-1:123456789012:task-definition/web:2"),
		DesiredCount:   2, RunningCount: 3, PendingCount: 1,
		Deployments: []types.Deployment{
			dep("ecs-svc/2", "PRIMARY", "arn:aws:ecs:us-east-1:123456789012:task-definition/web:2", types.DeploymentRolloutStateInProgress, 2, 1),
			dep("ecs-svc/1", "ACTIVE", "arn:aws:ecs:us-east-1:123456789012:task-definition/web:1", types.DeploymentRolloutStateCompleted, 2, 2),
		},
	}}
	var b strings.Builder
	st.PrintTable(&b)
	lines := strings.Split(strings.TrimRight(b.String(), "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("got %d lines, want summary + header + 2 rows:\n%s", len(lines), b.String())
	}
	if want := "service web: ACTIVE, task definition web:2, desired 2, running 3, pending 1"; lines[0] != want {
		t.Errorf("summary = %q, want %q", lines[0], want)
	}
	for i, want := range [][]string{
		{"ecs-svc/2", "PRIMARY", "web:2", "IN_PROGRESS"},
		{"ecs-svc/1", "ACTIVE", "web:1", "COMPLETED"},
	} {
		fields := strings.Fields(lines[2+i])
		if len(fields) != 8 || fields[0] != want[0] || fields[1] != want[1] || fields[2] != want[2] || fields[7] != want[3] {
			t.Errorf("row %d = %q, want %v", i, lines[2+i], want)
		}
	}
	if strings.Index(lines[2], "web:2") != strings.Index(lines[3], "web:1") {
		t.Errorf("columns not aligned:\n%s", b.String())
	}
}
