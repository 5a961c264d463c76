package fake

import (
	"fmt"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// ListTaskDefinitions with a familyPrefix pages a family by revision: the
// pages, ascending and descending, list exactly the revisions of the
// status asked for, each once, in order, also when revisions are
// deregistered between pages.
func TestListTaskDefinitionsPagesAFamilyByRevision(t *testing.T) {
	e := New()
	for range 25 {
		register(t, e, tdWith("web", 16, aws.Int32(32), nil))
		register(t, e, tdWith("api", 16, aws.Int32(32), nil))
	}
	for _, rev := range []int{3, 4, 10, 24} {
		if _, err := e.DeregisterTaskDefinition(bg, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String(fmt.Sprintf("web:%d", rev))}); err != nil {
			t.Fatal(err)
		}
	}
	list := func(status types.TaskDefinitionStatus, sort types.SortOrder, between func()) []string {
		var got []string
		in := &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("web"), Status: status, Sort: sort, MaxResults: aws.Int32(4)}
		for range 100 {
			out, err := e.ListTaskDefinitions(bg, in)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, out.TaskDefinitionArns...)
			if out.NextToken == nil {
				return got
			}
			in.NextToken = out.NextToken
			if between != nil {
				between()
			}
		}
		t.Fatal("no end of pages")
		return nil
	}
	want := func(revs ...int) []string {
		var out []string
		for _, r := range revs {
			out = append(out, fmt.Sprintf("arn:aws:ecs:us-east-1:123456789012:task-definition/web:%d", r))
		}
		return out
	}
	var active []int
	for r := 1; r <= 25; r++ {
		if !slices.Contains([]int{3, 4, 10, 24}, r) {
			active = append(active, r)
		}
	}
	if got := list("", "", nil); !slices.Equal(got, want(active...)) {
		t.Errorf("ACTIVE ascending = %v", got)
	}
	desc := slices.Clone(active)
	slices.Reverse(desc)
	if got := list("", types.SortOrderDesc, nil); !slices.Equal(got, want(desc...)) {
		t.Errorf("ACTIVE descending = %v", got)
	}
	if got := list(types.TaskDefinitionStatusInactive, "", nil); !slices.Equal(got, want(3, 4, 10, 24)) {
		t.Errorf("INACTIVE = %v", got)
	}
	// Deregistering revision 2 (already listed) and 20 (not yet) between
	// pages: 2 stays listed once, 20 is left out, nothing repeats.
	dereg := []string{"web:2", "web:20"}
	got := list("", "", func() {
		if len(dereg) > 0 {
			e.DeregisterTaskDefinition(bg, &ecs.DeregisterTaskDefinitionInput{TaskDefinition: &dereg[0]})
			dereg = dereg[1:]
		}
	})
	if wantRevs := slices.DeleteFunc(slices.Clone(active), func(r int) bool { return r == 20 }); !slices.Equal(got, want(wantRevs...)) {
		t.Errorf("with deregistrations between pages = %v", got)
	}
	if _, err := e.ListTaskDefinitions(bg, &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("web"), NextToken: aws.String("bm9wZQ")}); err == nil {
		t.Error("a forged token was accepted")
	}
}
