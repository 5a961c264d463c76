package fake

import (
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// StartTask on an unknown or deregistered container instance answers with
// failures MISSING / INACTIVE ("API failure reasons"), not an exception, and
// still starts the task on the good instances of the same call.
func TestStartTaskUnknownOrInactiveInstanceIsAFailure(t *testing.T) {
	e := newCluster(t, 0)
	good, err := e.AddInstance("default", InstanceSpec{CPU: 2048, Memory: 4096})
	if err != nil {
		t.Fatal(err)
	}
	lost, err := e.AddInstance("default", InstanceSpec{CPU: 2048, Memory: 4096})
	if err != nil {
		t.Fatal(err)
	}
	td := register(t, e, simpleTD("web", "img"))
	if err := e.LoseInstance(lost); err != nil {
		t.Fatal(err)
	}
	unknown := "arn:aws:ecs:us-east-1:123456789012:container-instance/default/0123456789abcdef0123456789abcdef"
	out, err := e.StartTask(bg, &ecs.StartTaskInput{TaskDefinition: &td, ContainerInstances: []string{good, lost, unknown}})
	if err != nil {
		t.Fatalf("StartTask: %v, want failures instead", err)
	}
	if len(out.Tasks) != 1 || len(out.Failures) != 2 {
		t.Fatalf("%d tasks, failures %v", len(out.Tasks), reasons(out.Failures))
	}
	got := map[string]string{}
	for _, f := range out.Failures {
		got[aws.ToString(f.Arn)] = aws.ToString(f.Reason)
	}
	if got[lost] != "INACTIVE" || got[unknown] != "MISSING" {
		t.Fatalf("failures %v, want INACTIVE for %s and MISSING for %s", got, lost, unknown)
	}
}

// The missing-memory register error is ECS's own text, without the
// validator's field path (observed: "Invalid setting for container 'NAME'.
// At least one of 'memory' or 'memoryReservation' must be specified.").
func TestRegisterMissingMemoryHasECSText(t *testing.T) {
	e := New()
	in := simpleTD("web", "img")
	in.ContainerDefinitions[0].Memory = nil
	_, err := e.RegisterTaskDefinition(bg, in)
	apiErr(t, err, "ClientException", "Invalid setting for container 'app'. At least one of 'memory' or 'memoryReservation' must be specified.")
}

// Replacing tasks that failed their health checks, ECS appends " Amazon ECS
// replaced N tasks due to an unhealthy status." to "has started N tasks"
// (service event messages).
func TestUnhealthyReplacementEventSaysAmazonECSReplaced(t *testing.T) {
	e := newCluster(t, 8)
	td := register(t, e, healthTD("web", "img:flaky"))
	createSvc(t, e, "web", td, 2, svcOpts{min: 50, max: 200})
	stepUntil(t, e, 5*time.Second, 5*time.Minute, nil, func() bool { return completed(t, e, "web", td) })
	// From now on the image turns unhealthy 5 s after start: the running
	// tasks are not affected, so make one unhealthy by stopping it and
	// letting its replacement fail the check.
	if err := e.InjectFault(Fault{Image: "img:flaky", Action: FaultUnhealthy, After: 15 * time.Second, Times: 1}); err != nil {
		t.Fatal(err)
	}
	tasks, _ := e.ListTasks(bg, &ecs.ListTasksInput{ServiceName: aws.String("web")})
	if _, err := e.StopTask(bg, &ecs.StopTaskInput{Task: aws.String(tasks.TaskArns[0])}); err != nil {
		t.Fatal(err)
	}
	re := regexp.MustCompile(`^\(service web\) has started 1 tasks: \(task [0-9a-f]{32}\)\. Amazon ECS replaced 1 tasks due to an unhealthy status\.$`)
	stepUntil(t, e, time.Second, 10*time.Minute, nil, func() bool {
		for _, m := range eventTexts(svc(t, e, "web")) {
			if re.MatchString(m) {
				return true
			}
		}
		return false
	})
	plain := regexp.MustCompile(`^\(service web\) has started \d+ tasks: (\(task [0-9a-f]{32}\) ?)+\.$`)
	n := 0
	for _, m := range eventTexts(svc(t, e, "web")) {
		if plain.MatchString(m) {
			n++
		}
	}
	if n < 2 { // creation and the replacement of the stopped task carry no suffix
		t.Fatalf("plain started events %d in %q", n, eventTexts(svc(t, e, "web")))
	}
	_ = types.HealthStatusUnhealthy
}

// DELETE_IN_PROGRESS revisions are deleted once no task or deployment uses
// them ("Amazon ECS task definition states"): not before, and then they are
// no longer described or listed, and their number is not reused.
func TestDeleteInProgressRevisionIsEventuallyDeleted(t *testing.T) {
	e := newCluster(t, 1)
	a := register(t, e, simpleTD("web", "img"))
	out := run(t, e, &ecs.RunTaskInput{TaskDefinition: &a})
	if _, err := e.DeregisterTaskDefinition(bg, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: &a}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.DeleteTaskDefinitions(bg, &ecs.DeleteTaskDefinitionsInput{TaskDefinitions: []string{a}}); err != nil {
		t.Fatal(err)
	}
	d, err := e.DescribeTaskDefinition(bg, &ecs.DescribeTaskDefinitionInput{TaskDefinition: &a})
	if err != nil || d.TaskDefinition.Status != types.TaskDefinitionStatusDeleteInProgress {
		t.Fatalf("while its task runs: %v %v, want DELETE_IN_PROGRESS", d, err)
	}
	if _, err := e.StopTask(bg, &ecs.StopTaskInput{Task: out.Tasks[0].TaskArn}); err != nil {
		t.Fatal(err)
	}
	e.Advance(time.Minute)
	_, err = e.DescribeTaskDefinition(bg, &ecs.DescribeTaskDefinitionInput{TaskDefinition: &a})
	apiErr(t, err, "ClientException", "Unable to describe task definition.")
	list, _ := e.ListTaskDefinitions(bg, &ecs.ListTaskDefinitionsInput{Status: types.TaskDefinitionStatusDeleteInProgress})
	fams, _ := e.ListTaskDefinitionFamilies(bg, &ecs.ListTaskDefinitionFamiliesInput{Status: types.TaskDefinitionFamilyStatusAll})
	if len(list.TaskDefinitionArns) != 0 || len(fams.Families) != 0 {
		t.Fatalf("deleted revision still listed: %v families %v", list.TaskDefinitionArns, fams.Families)
	}
	if b := register(t, e, simpleTD("web", "img")); b == a {
		t.Fatalf("revision number reused: %s", b)
	}
}
