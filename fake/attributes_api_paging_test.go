package fake

import (
	"fmt"
	"maps"
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// TestListAttributesPagesMatchTheWholeList: ListAttributes builds only the
// page asked for (its cost per page is one pass over the instances, not
// over every attribute); its pages, at every page size, concatenate to
// one entry per attribute per ACTIVE instance, in instance order and
// sorted by name, and a name (and value) filter pages the same way.
func TestListAttributesPagesMatchTheWholeList(t *testing.T) {
	e := New()
	if _, err := e.CreateCluster(bg, &ecs.CreateClusterInput{}); err != nil {
		t.Fatal(err)
	}
	var arns []string
	for i := range 7 {
		m := map[string]string{}
		for j := range i % 4 {
			m[fmt.Sprintf("k%d", j)] = fmt.Sprintf("v%d", (i+j)%2)
		}
		arn, err := e.AddInstance("default", InstanceSpec{Attributes: m})
		if err != nil {
			t.Fatal(err)
		}
		arns = append(arns, arn)
	}
	if _, err := e.DeregisterContainerInstance(bg, &ecs.DeregisterContainerInstanceInput{ContainerInstance: aws.String(arns[3])}); err != nil {
		t.Fatal(err)
	}
	want := func(name string, value *string) []string {
		var out []string
		e.mu.Lock()
		defer e.mu.Unlock()
		for _, in := range e.clusters["default"].instances {
			if in.status == "INACTIVE" {
				continue
			}
			for _, k := range slices.Sorted(maps.Keys(in.attrs)) {
				if (name == "" || k == name) && (value == nil || in.attrs[k] == *value) {
					out = append(out, in.arn+" "+k+"="+in.attrs[k])
				}
			}
		}
		return out
	}
	for _, f := range []struct {
		name  string
		value *string
	}{{"", nil}, {"k1", nil}, {"k0", aws.String("v1")}, {"ecs.os-type", aws.String("linux")}, {"none", nil}} {
		w := want(f.name, f.value)
		for _, size := range []int32{1, 2, 3, 5, 100} {
			var got []string
			var tok *string
			for pages := 0; ; pages++ {
				in := &ecs.ListAttributesInput{TargetType: types.TargetTypeContainerInstance, MaxResults: aws.Int32(size), NextToken: tok, AttributeValue: f.value}
				if f.name != "" {
					in.AttributeName = aws.String(f.name)
				}
				out, err := e.ListAttributes(bg, in)
				if err != nil {
					t.Fatal(err)
				}
				if len(out.Attributes) > int(size) || pages > len(w)+1 {
					t.Fatalf("page of %d with maxResults %d (page %d)", len(out.Attributes), size, pages)
				}
				for _, a := range out.Attributes {
					got = append(got, aws.ToString(a.TargetId)+" "+aws.ToString(a.Name)+"="+aws.ToString(a.Value))
				}
				if tok = out.NextToken; tok == nil {
					break
				}
			}
			if !slices.Equal(got, w) {
				t.Fatalf("filter %q=%v, pages of %d:\n%v\nwant\n%v", f.name, aws.ToString(f.value), size, got, w)
			}
		}
	}
	if _, err := e.ListAttributes(bg, &ecs.ListAttributesInput{TargetType: types.TargetTypeContainerInstance, NextToken: aws.String("bm90")}); err == nil {
		t.Fatal("a bad token was accepted")
	}
}
