package ecsdeploy

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"pgregory.net/rapid"

	"github.com/ecsdeploy/ecsdeploy/internal/awsjson"
)

// sizeProblem returns the rule of the "taskDefinition" size problem in
// err, or "" when there is none.
func sizeProblem(t *testing.T, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	for _, p := range problemsOf(t, err) {
		if p.Field == "taskDefinition" && strings.Contains(p.Rule, "bytes of JSON") {
			return p.Rule
		}
	}
	return ""
}

// wantSizeRule is the size problem ValidateTaskDefinitionInput must report
// for in: none within the quota, the exact size of awsjson.Marshal's JSON
// up to sizeCountLimit, "more than" it past that.
func wantSizeRule(t *testing.T, in *ecs.RegisterTaskDefinitionInput) string {
	t.Helper()
	b, err := awsjson.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	switch n := len(b); {
	case n <= MaxTaskDefinitionSize:
		return ""
	case n <= sizeCountLimit:
		return fmt.Sprintf("is %d bytes of JSON; the ECS quota is 65536 bytes (64 KiB)", n)
	}
	return "is more than 131072 bytes of JSON; the ECS quota is 65536 bytes (64 KiB)"
}

// withPad returns a valid definition whose JSON is exactly size bytes: an
// environment value of escaped control bytes (6 bytes of JSON each) and
// ASCII filling the rest.
func withPad(t *testing.T, size int) *ecs.RegisterTaskDefinitionInput {
	t.Helper()
	in := validEC2()
	in.ContainerDefinitions[0].Environment = []types.KeyValuePair{{Name: aws.String("PAD"), Value: aws.String("")}}
	b, err := awsjson.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	rest := size - len(b)
	ctl := min(rest/6, 1000)
	*in.ContainerDefinitions[0].Environment[0].Value = strings.Repeat("\x01", ctl) + strings.Repeat("a", rest-6*ctl)
	return in
}

// The size problem is exact at and near the quota and up to twice it, and
// agrees with the JSON awsjson.Marshal sends; past twice the quota it is
// "more than" 128 KiB.
func TestValidationSizeIsExactNearTheQuota(t *testing.T) {
	const q = MaxTaskDefinitionSize
	for _, size := range []int{q - 1, q, q + 1, q + 2, q + 1000, 2*q - 1, 2 * q, 2*q + 1, 2*q + 2, 10 * q} {
		in := withPad(t, size)
		if b, _ := awsjson.Marshal(in); len(b) != size {
			t.Fatalf("padded to %d, JSON is %d bytes", size, len(b))
		}
		got, want := sizeProblem(t, ValidateTaskDefinitionInput(in)), wantSizeRule(t, in)
		if got != want {
			t.Errorf("JSON of %d bytes: size problem %q, want %q", size, got, want)
		}
		if size > q && size <= 2*q && !strings.Contains(got, fmt.Sprintf("is %d bytes", size)) {
			t.Errorf("JSON of %d bytes: %q does not say the exact size", size, got)
		}
	}
}

// For definitions of many shapes around the quota (up to 10 containers,
// environment, labels, commands made of ASCII, escapes, multi-byte runes
// and invalid UTF-8), the size problem agrees with awsjson.Marshal's JSON.
func TestValidationSizeAgreesWithMarshal(t *testing.T) {
	pieces := []string{"a", "é", "日本", `"`, "\n", "\x01", "\xff", "\u2028"}
	rapid.Check(t, func(rt *rapid.T) {
		in := validEC2()
		chunk := func(label string) string {
			return strings.Repeat(rapid.SampledFrom(pieces).Draw(rt, label+"piece"), rapid.IntRange(0, 6000).Draw(rt, label+"n"))
		}
		for i := range rapid.IntRange(0, 9).Draw(rt, "containers") {
			cd := types.ContainerDefinition{Name: aws.String(fmt.Sprintf("c%d", i)), Image: aws.String("nginx"), Memory: aws.Int32(64)}
			for j := range rapid.IntRange(0, 4).Draw(rt, "env") {
				cd.Environment = append(cd.Environment, types.KeyValuePair{Name: aws.String(fmt.Sprintf("E%d", j)), Value: aws.String(chunk("env"))})
			}
			if rapid.Bool().Draw(rt, "labels") {
				cd.DockerLabels = map[string]string{"a": chunk("label"), chunk("key"): "v"}
			}
			if rapid.Bool().Draw(rt, "command") {
				cd.Command = []string{chunk("cmd"), ""}
			}
			in.ContainerDefinitions = append(in.ContainerDefinitions, cd)
		}
		got, want := sizeProblem(t, ValidateTaskDefinitionInput(in)), wantSizeRule(t, in)
		if got != want {
			rt.Fatalf("size problem %q, want %q", got, want)
		}
	})
}

// A few huge strings cost the size check a bounded allocation, not their
// JSON (before: 25 MB allocated for three 4 MiB strings).
func TestValidationSizeCheckOfHugeStringsIsBounded(t *testing.T) {
	withStrings := func(s string) *ecs.RegisterTaskDefinitionInput {
		in := validEC2()
		in.ContainerDefinitions[0].Environment = []types.KeyValuePair{
			{Name: aws.String("A"), Value: aws.String(s)}, {Name: aws.String("B"), Value: aws.String(s)}}
		in.ContainerDefinitions[0].DockerLabels = map[string]string{"c": s}
		return in
	}
	in := withStrings(strings.Repeat("v", 4<<20))
	var err error
	alloc := allocated(func() { err = ValidateTaskDefinitionInput(in) })
	if got := sizeProblem(t, err); got != "is more than 131072 bytes of JSON; the ECS quota is 65536 bytes (64 KiB)" {
		t.Errorf("size problem %q, want the quota passed", got)
	}
	if alloc > 16<<10 {
		t.Errorf("validation allocated %d KiB, want < 16 KiB", alloc>>10)
	}
	t.Logf("%.1f KiB allocated", float64(alloc)/(1<<10))
}
