package ecsdeploy_test

import (
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/fake"
)

// activeRevisions lists the ACTIVE revisions of family as "family:N".
func (f *fakeEnv) activeRevisions(family string) []string {
	f.t.Helper()
	out, err := f.e.ListTaskDefinitions(f.t.Context(), &ecs.ListTaskDefinitionsInput{FamilyPrefix: ptr(family), Status: types.TaskDefinitionStatusActive})
	if err != nil {
		f.t.Fatalf("ListTaskDefinitions: %v", err)
	}
	var revs []string
	for _, a := range out.TaskDefinitionArns {
		revs = append(revs, a[strings.LastIndex(a, "/")+1:])
	}
	slices.Sort(revs)
	return revs
}

// TestDeployKeepsNewestRevisions: WithKeepRevisions(2) deregisters older
// revisions after each successful deploy, never the one in use.
func TestDeployKeepsNewestRevisions(t *testing.T) {
	f := newFakeEnv(t)
	f.service("web", "nginx:1", 2, nil)
	for _, image := range []string{"nginx:2", "nginx:3", "nginx:4"} {
		if _, err := f.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: f.cluster, Service: "web", Image: image}, ecsdeploy.WithKeepRevisions(2)); err != nil {
			t.Fatalf("Deploy %s: %v", image, err)
		}
	}
	if got, want := f.activeRevisions("web"), []string{"web:3", "web:4"}; !slices.Equal(got, want) {
		t.Errorf("ACTIVE revisions = %v, want %v", got, want)
	}
}

// TestDeployNoWaitReturnsAtOnce: WithNoWait returns right after
// UpdateService, with the new deployment IN_PROGRESS and no virtual time
// spent; a later Wait sees it through.
func TestDeployNoWaitReturnsAtOnce(t *testing.T) {
	f := newFakeEnv(t)
	f.service("web", "nginx:1", 3, nil)
	start := f.e.Now()
	res, err := f.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: f.cluster, Service: "web", Image: "nginx:2"}, ecsdeploy.WithNoWait())
	if err != nil {
		t.Fatalf("Deploy: %v", err)
	}
	if f.e.Now() != start {
		t.Errorf("no-wait Deploy spent %s of virtual time", f.e.Now().Sub(start))
	}
	if d := res.Status.Deployment; d == nil || *d.Id != res.DeploymentID || d.RolloutState != types.DeploymentRolloutStateInProgress {
		t.Errorf("status deployment = %+v, want ours (%s) IN_PROGRESS", d, res.DeploymentID)
	}
	st, err := f.d.Wait(t.Context(), f.cluster, "web")
	if err != nil {
		t.Fatalf("Wait: %v", err)
	}
	if *st.Deployment.Id != res.DeploymentID || st.Deployment.RolloutState != types.DeploymentRolloutStateCompleted || st.Service.RunningCount != 3 {
		t.Errorf("after Wait: %s, want deployment %s COMPLETED with 3 running", st, res.DeploymentID)
	}
}

// TestScaleStartsNoDeployment: Scale changes desiredCount only; the
// PRIMARY deployment stays the same and the service runs the new count.
func TestScaleStartsNoDeployment(t *testing.T) {
	f := newFakeEnv(t)
	f.service("web", "nginx:1", 2, nil)
	before, err := f.d.Status(t.Context(), f.cluster, "web")
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int32{5, 1, 0} {
		st, err := f.d.Scale(t.Context(), f.cluster, "web", n)
		if err != nil {
			t.Fatalf("Scale(%d): %v", n, err)
		}
		if st.Service.RunningCount != n || st.Service.DesiredCount != n || st.Service.PendingCount != 0 {
			t.Errorf("Scale(%d): %s", n, st)
		}
		if st.Deployment == nil || *st.Deployment.Id != *before.Deployment.Id {
			t.Errorf("Scale(%d) changed the PRIMARY deployment to %v", n, st.Deployment)
		}
	}
}

// TestDeployInsideSynctestBubble: with the fake on RealTime and the
// Deployer on the wall clock, a deploy inside testing/synctest runs on the
// bubble's synthetic time: minutes of ECS time, no real waiting.
func TestDeployInsideSynctestBubble(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		e := fake.New(fake.WithClock(fake.RealTime(1)))
		f := &fakeEnv{t: t, e: e, cluster: "prod", d: ecsdeploy.New(e)} // RealClock: time.Now and timers
		if _, err := e.CreateCluster(t.Context(), &ecs.CreateClusterInput{ClusterName: ptr("prod")}); err != nil {
			t.Fatal(err)
		}
		f.service("web", "nginx:1", 4, nil)
		start := time.Now()
		res, err := f.d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: f.cluster, Service: "web", Image: "nginx:2"})
		if err != nil {
			t.Fatalf("Deploy: %v", err)
		}
		if took := time.Since(start); took < 30*time.Second {
			t.Errorf("deployment took %s of bubble time, want the fake's task lifecycle (> 30 s)", took)
		}
		if res.Status.Deployment.RolloutState != types.DeploymentRolloutStateCompleted {
			t.Errorf("deployment %s", res.Status)
		}
	})
}
