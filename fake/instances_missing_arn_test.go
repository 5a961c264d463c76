package fake

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestDescribeContainerInstancesMissingShortIDNamesTheARN: a MISSING
// failure for a container instance given by its short ID carries the full
// ARN, as ECS answers (aws ecs describe-container-instances with an
// unknown ID: "arn": "arn:aws:ecs:<region>:<account>:container-instance/...",
// k1LoW/awspec#228) and as the fake already did for DescribeTasks and
// DescribeServices; it echoed the bare ID. Checked for a forgotten
// instance (deregistered, then an hour) and one that never existed.
func TestDescribeContainerInstancesMissingShortIDNamesTheARN(t *testing.T) {
	e := newCluster(t, 1)
	l, err := e.ListContainerInstances(bg, &ecs.ListContainerInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	arn := l.ContainerInstanceArns[0]
	if _, err := e.DeregisterContainerInstance(bg, &ecs.DeregisterContainerInstanceInput{ContainerInstance: &arn}); err != nil {
		t.Fatal(err)
	}
	e.Advance(instanceRetention + time.Second)
	never := "0123456789abcdef0123456789abcdef"
	id := arn[len(arn)-32:]
	out, err := e.DescribeContainerInstances(bg, &ecs.DescribeContainerInstancesInput{ContainerInstances: []string{id, never, arn}})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{arn, arn[:len(arn)-32] + never, arn}
	if len(out.Failures) != len(want) {
		t.Fatalf("failures %+v, want 3", out.Failures)
	}
	for i, f := range out.Failures {
		if aws.ToString(f.Arn) != want[i] || aws.ToString(f.Reason) != "MISSING" {
			t.Errorf("failure %d: %s %s, want %s MISSING", i, aws.ToString(f.Arn), aws.ToString(f.Reason), want[i])
		}
	}
}

// TestInstanceMissingFailuresNameTheARN: StartTask and
// UpdateContainerInstancesState name an unknown container instance given
// by its short ID by its full ARN in their MISSING failures too, as
// DescribeContainerInstances does (they echoed the bare ID).
func TestInstanceMissingFailuresNameTheARN(t *testing.T) {
	e := newCluster(t, 1)
	td := register(t, e, simpleTD("web", "web:1"))
	l, err := e.ListContainerInstances(bg, &ecs.ListContainerInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	arn := l.ContainerInstanceArns[0]
	never := "0123456789abcdef0123456789abcdef"
	want := arn[:len(arn)-32] + never
	st, err := e.StartTask(bg, &ecs.StartTaskInput{TaskDefinition: aws.String(td), ContainerInstances: []string{never}})
	if err != nil {
		t.Fatal(err)
	}
	up, err := e.UpdateContainerInstancesState(bg, &ecs.UpdateContainerInstancesStateInput{ContainerInstances: []string{never},
		Status: types.ContainerInstanceStatusDraining})
	if err != nil {
		t.Fatal(err)
	}
	for name, fs := range map[string][]types.Failure{"StartTask": st.Failures, "UpdateContainerInstancesState": up.Failures} {
		if len(fs) != 1 || aws.ToString(fs[0].Arn) != want || aws.ToString(fs[0].Reason) != "MISSING" {
			t.Errorf("%s failures %+v, want one %s MISSING", name, fs, want)
		}
	}
}
