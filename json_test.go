package ecsdeploy

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var fixtures = []string{
	"fargate-web-awslogs.json",
	"ec2-bridge-dynamic-ports.json",
	"multi-container-sidecar.json",
	"secrets-healthcheck-describe.json",
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// sdkEqual compares SDK structs, ignoring their unexported markers.
var sdkEqual = []cmp.Option{cmp.FilterPath(unexportedField, cmp.Ignore())}

func TestLoadTaskDefinitionJSONFixtures(t *testing.T) {
	for _, name := range fixtures {
		t.Run(name, func(t *testing.T) {
			in, err := LoadTaskDefinitionJSON(readFixture(t, name))
			if err != nil {
				t.Fatalf("load: %v", err)
			}
			out, err := MarshalTaskDefinitionJSON(in)
			if err != nil {
				t.Fatalf("marshal: %v", err)
			}
			again, err := LoadTaskDefinitionJSON(out)
			if err != nil {
				t.Fatalf("reload: %v\n%s", err, out)
			}
			if d := cmp.Diff(in, again, sdkEqual...); d != "" {
				t.Errorf("round trip changed the task definition:\n%s", d)
			}
			out2, _ := MarshalTaskDefinitionJSON(again)
			if !bytes.Equal(out, out2) {
				t.Errorf("second marshal differs:\n%s\n%s", out, out2)
			}
			if Diff(in, again) != "" {
				t.Errorf("Diff after round trip = %q", Diff(in, again))
			}
		})
	}
}

func TestLoadTaskDefinitionJSONFields(t *testing.T) {
	in, err := LoadTaskDefinitionJSON(readFixture(t, "multi-container-sidecar.json"))
	if err != nil {
		t.Fatal(err)
	}
	if got := deref(in.Cpu); got != "1 vCPU" {
		t.Errorf("cpu = %q, want the string as written", got)
	}
	app := in.ContainerDefinitions[1]
	if deref(app.Name) != "app" || deref(app.Memory) != 1024 || deref(app.User) != "1000:1000" || !deref(app.ReadonlyRootFilesystem) {
		t.Errorf("app container decoded wrongly: %+v", app)
	}
	if len(app.DependsOn) != 2 || app.DependsOn[1].Condition != types.ContainerConditionHealthy {
		t.Errorf("dependsOn = %+v", app.DependsOn)
	}
	if hc := in.ContainerDefinitions[2].HealthCheck; hc == nil || deref(hc.StartPeriod) != 10 || deref(hc.Interval) != 5 {
		t.Errorf("envoy health check = %+v", hc)
	}
	if in.EphemeralStorage == nil || in.EphemeralStorage.SizeInGiB != 30 {
		t.Errorf("ephemeralStorage = %+v", in.EphemeralStorage)
	}
}

func TestLoadTaskDefinitionJSONDescribeFormDropsReadOnlyFields(t *testing.T) {
	in, err := LoadTaskDefinitionJSON(readFixture(t, "secrets-healthcheck-describe.json"))
	if err != nil {
		t.Fatal(err)
	}
	if deref(in.Family) != "billing" || len(in.ContainerDefinitions[0].Secrets) != 2 {
		t.Errorf("decoded %+v", in)
	}
	if len(in.Tags) != 1 || deref(in.Tags[0].Key) != "cost-center" {
		t.Errorf("tags beside taskDefinition were not kept: %+v", in.Tags)
	}
	out, _ := MarshalTaskDefinitionJSON(in)
	for _, ro := range readOnlyTaskDefinitionFields {
		if bytes.Contains(out, []byte(`"`+ro+`"`)) {
			t.Errorf("register form still holds read-only field %s", ro)
		}
	}
}

func TestLoadTaskDefinitionJSONRegisterFormDropsReadOnlyFields(t *testing.T) {
	data := []byte(`{"family":"web","revision":3,"status":"ACTIVE","registeredAt":1716239022.5,
		"compatibilities":["EC2"],"containerDefinitions":[{"name":"web","image":"nginx","memory":128}]}`)
	in, err := LoadTaskDefinitionJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	if deref(in.Family) != "web" {
		t.Errorf("family = %q", deref(in.Family))
	}
}

func TestLoadTaskDefinitionJSONErrors(t *testing.T) {
	tests := []struct {
		name, data  string
		opts        []JSONOption
		field, rule string
	}{
		{"UnknownFieldNamed", `{"family":"web","containerDefinitions":[{"name":"web","image":"nginx","memory":128,"imagee":"x"}]}`, nil,
			"containerDefinitions[0].imagee", "unknown field"},
		{"UnknownTopLevelField", `{"family":"web","color":"blue","containerDefinitions":[]}`, nil, "color", "unknown field"},
		{"UnknownFieldInDescribeForm", `{"taskDefinition":{"family":"web","foo":1}}`, nil, "taskDefinition.foo", "unknown field"},
		{"UnknownBesideDescribeForm", `{"taskDefinition":{"family":"web"},"failures":[]}`, nil, "failures", "unknown field"},
		{"WrongTypeNamed", `{"family":"web","containerDefinitions":[{"name":"web","image":"nginx","memory":"128"}]}`, nil,
			"containerDefinitions[0].memory", ""},
		{"TaskCPUMustBeString", `{"family":"web","cpu":256,"containerDefinitions":[]}`, nil, "cpu", ""},
		{"ReadOnlyFieldTypeChecked", `{"family":"web","revision":"three","containerDefinitions":[]}`, nil, "revision", ""},
		{"MalformedJSON", `{"family":`, nil, "taskDefinition", "malformed JSON"},
		{"NotAnObject", `[1,2]`, nil, "taskDefinition", ""},
		{"NullDocument", `null`, nil, "taskDefinition", "must be a JSON object"},
		{"DescribeFormNull", `{"taskDefinition":null}`, nil, "taskDefinition", "must be a JSON object"},
		{"ValidatedOnLoad", `{"family":"web","containerDefinitions":[{"name":"web","image":"","memory":128}]}`, nil,
			"containerDefinitions[0].image", "Container.image should not be null or empty."},
		{"IgnoreUnknownStillValidates", `{"family":"we b","x":1,"containerDefinitions":[{"name":"web","image":"nginx","memory":128}]}`,
			[]JSONOption{IgnoreUnknownFields()}, "family", "1-255"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in, err := LoadTaskDefinitionJSON([]byte(tt.data), tt.opts...)
			if in != nil {
				t.Errorf("got a result with an error")
			}
			assertProblem(t, err, tt.field, tt.rule)
		})
	}
}

func TestLoadTaskDefinitionJSONOptions(t *testing.T) {
	data := []byte(`{"family":"web","x":1,"containerDefinitions":[{"name":"web","image":"nginx","memory":128,"y":2}]}`)
	if _, err := LoadTaskDefinitionJSON(data, IgnoreUnknownFields()); err != nil {
		t.Errorf("IgnoreUnknownFields: %v", err)
	}
	if _, err := LoadTaskDefinitionJSON([]byte(`{"family":"bad name"}`), SkipValidation()); err != nil {
		t.Errorf("SkipValidation: %v", err)
	}
}

func TestMarshalTaskDefinitionJSONRegisterForm(t *testing.T) {
	in := validFargate()
	b, err := MarshalTaskDefinitionJSON(in)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	for _, want := range []string{`"family": "web"`, `"requiresCompatibilities": [`, `"networkMode": "awsvpc"`, `"cpu": "256"`, `"containerPort": 80`, `"essential": false`} {
		if !strings.Contains(s, want) {
			t.Errorf("JSON lacks %s:\n%s", want, s)
		}
	}
	if strings.Contains(s, "null") || strings.Contains(s, "Family") {
		t.Errorf("JSON has nulls or Go names:\n%s", s)
	}
	if _, err := MarshalTaskDefinitionJSON(nil); err == nil {
		t.Error("nil input: want error")
	}
}

// TestRegisterInputCopiesEveryRegisterField guards RegisterInput against SDK
// fields it forgets: every RegisterTaskDefinitionInput field that
// types.TaskDefinition also has must survive.
func TestRegisterInputCopiesEveryRegisterField(t *testing.T) {
	td := &types.TaskDefinition{}
	tv := reflectValue(td)
	rt := reflectType[ecs.RegisterTaskDefinitionInput]()
	for i := range rt.NumField() {
		f := rt.Field(i)
		if !f.IsExported() || f.Name == "Tags" {
			continue
		}
		fv := tv.FieldByName(f.Name)
		if !fv.IsValid() {
			t.Errorf("types.TaskDefinition has no %s", f.Name)
			continue
		}
		setNonZero(fv)
	}
	in := reflectValue(RegisterInput(td))
	for i := range rt.NumField() {
		f := rt.Field(i)
		if !f.IsExported() || f.Name == "Tags" || !unicode.IsUpper(rune(f.Name[0])) {
			continue
		}
		if in.Field(i).IsZero() {
			t.Errorf("RegisterInput dropped %s", f.Name)
		}
	}
	if RegisterInput(nil) != nil {
		t.Error("RegisterInput(nil) != nil")
	}
}

func TestRegisterInputFromDescribe(t *testing.T) {
	td := &types.TaskDefinition{
		Family: aws.String("web"), Revision: 4, Status: types.TaskDefinitionStatusActive,
		TaskDefinitionArn: aws.String("arn:aws:ecs:us-east-1:123456789012:task-definition/web:4"),
		Cpu:               aws.String("256"), Memory: aws.String("512"), NetworkMode: types.NetworkModeAwsvpc,
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("web"), Image: aws.String("nginx")}},
	}
	want := &ecs.RegisterTaskDefinitionInput{
		Family: aws.String("web"), Cpu: aws.String("256"), Memory: aws.String("512"), NetworkMode: types.NetworkModeAwsvpc,
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("web"), Image: aws.String("nginx")}},
	}
	if d := cmp.Diff(want, RegisterInput(td), append(sdkEqual, cmpopts.EquateEmpty())...); d != "" {
		t.Error(d)
	}
}
