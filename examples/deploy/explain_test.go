package main

import (
	"strings"
	"testing"
)

func TestExplainKnownStoppedReasons(t *testing.T) {
	tests := []struct {
		reason, want string
	}{
		{"CannotPullContainerError: pull image manifest has been retried 5 time(s): failed to resolve ref web:bad: not found", "could not be pulled"},
		{"ResourceInitializationError: unable to pull secrets or registry auth", "could not prepare the task"},
		{"Essential container in task exited", "essential container stopped"},
		{"Task failed container health checks", "health check failed"},
		{"Scaling activity initiated by (deployment ecs-svc/1234567890123456789)", "not a failure"},
		{"Task stopped by user", "StopTask"},
	}
	for _, tt := range tests {
		if got := explain(tt.reason); !strings.Contains(got, tt.want) {
			t.Errorf("explain(%q) = %q, want it to mention %q", tt.reason, got, tt.want)
		}
	}
}

func TestExplainUnknownReasonIsEmpty(t *testing.T) {
	if got := explain("Something ECS never said"); got != "" {
		t.Errorf("explain(unknown) = %q, want empty", got)
	}
}
