package fake

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// Back-to-back deploys (issue #18 item 5). API Reference,
// DeploymentConfiguration, minimumHealthyPercent: a task without health
// checks (and no load balancer) counts toward the minimum only 40 s after
// it reaches RUNNING; maximumPercent bounds RUNNING and PENDING tasks. So
// when deployment C arrives while B is IN_PROGRESS with none of its tasks
// counted healthy yet, B's tasks count toward nothing the scheduler must
// keep: they are stopped at once to make room for C, while A's healthy
// tasks are stopped only within minimumHealthyPercent. A B task already
// counted healthy is kept like A's.
func TestBackToBackDeployStopsNotYetHealthyTasksKeepsHealthyWithinMinimum(t *testing.T) {
	e := newCluster(t, 10)
	var tds []string
	for i := range 3 {
		tds = append(tds, register(t, e, simpleTD("web", fmt.Sprintf("img:%d", i))))
	}
	createSvc(t, e, "web", tds[0], 4, svcOpts{min: 100, max: 200})
	stepUntil(t, e, 5*time.Second, 5*time.Minute, nil, func() bool { return completed(t, e, "web", tds[0]) })
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(tds[1])})
	e.Advance(20 * time.Second) // B's 4 tasks RUNNING for less than 40 s
	byTD := func(status string) map[string]int {
		n := map[string]int{}
		for _, tk := range e.Tasks("default") {
			if aws.ToString(tk.LastStatus) == status && aws.ToString(tk.DesiredStatus) == statusRunning {
				n[aws.ToString(tk.TaskDefinitionArn)]++
			}
		}
		return n
	}
	if n := byTD(statusRunning); n[tds[1]] != 4 || n[tds[0]] != 4 {
		t.Fatalf("before C: running %v, want 4 of A and 4 of B", n)
	}
	update(t, e, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(tds[2])})
	kept := func() map[string]int {
		n := map[string]int{}
		for _, tk := range e.Tasks("default") {
			if aws.ToString(tk.DesiredStatus) == statusRunning {
				n[aws.ToString(tk.TaskDefinitionArn)]++
			}
		}
		return n
	}
	if k := kept(); k[tds[1]] != 0 || k[tds[0]] != 4 {
		t.Fatalf("at C's arrival tasks kept %v, want B's 4 stopped, A's 4 kept (min 100%%)", k)
	}
	// C's tasks start as soon as B's leave RUNNING (the next scheduler pass).
	e.Advance(3 * time.Second)
	if k := kept(); k[tds[2]] != 4 || k[tds[0]] != 4 {
		t.Fatalf("3 s after C's arrival tasks kept %v, want C's 4 started next to A's 4", k)
	}
	s := svc(t, e, "web")
	if countEvents(s, "has stopped 4 running tasks") != 1 {
		t.Fatalf("events %q", eventTexts(s))
	}
	check := boundsChecker(t, e, "web", 4, 100, 200)
	stepUntil(t, e, time.Second, 10*time.Minute, check, func() bool { return completed(t, e, "web", tds[2]) })

	// Once B's tasks count healthy (40 s), C keeps them within the minimum.
	e2 := newCluster(t, 10)
	for i := range 3 {
		register(t, e2, simpleTD("web", fmt.Sprintf("img:%d", i)))
	}
	createSvc(t, e2, "web", tds[0], 4, svcOpts{min: 100, max: 200})
	stepUntil(t, e2, 5*time.Second, 5*time.Minute, nil, func() bool { return completed(t, e2, "web", tds[0]) })
	update(t, e2, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(tds[1])})
	e2.Advance(20*time.Second + 41*time.Second) // B's tasks healthy; A's being drained
	update(t, e2, &ecs.UpdateServiceInput{Service: aws.String("web"), TaskDefinition: aws.String(tds[2])})
	healthyB := 0
	for _, tk := range e2.Tasks("default") {
		if aws.ToString(tk.TaskDefinitionArn) == tds[1] && aws.ToString(tk.DesiredStatus) == statusRunning {
			healthyB++
		}
	}
	if healthyB == 0 {
		t.Fatalf("healthy B tasks were all stopped at C's arrival: %q", strings.Join(eventTexts(svc(t, e2, "web")), " | "))
	}
}
