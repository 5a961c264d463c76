package ecsdeploy_test

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/ecsdeploy/ecsdeploy"
)

func readFixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// validationFields lists the Field of every *ValidationError in err.
func validationFields(t *testing.T, err error) []string {
	t.Helper()
	many, ok := err.(interface{ Unwrap() []error })
	if !ok {
		t.Fatalf("error %v (%T) is not a join of problems", err, err)
	}
	var fields []string
	for _, e := range many.Unwrap() {
		var ve *ecsdeploy.ValidationError
		if !errors.As(e, &ve) {
			t.Fatalf("problem %v (%T) is not a *ValidationError", e, e)
		}
		fields = append(fields, ve.Field)
	}
	return fields
}

// The first item: what AWS CLI v2 prints by default for
// describe-task-definition (ISO 8601 timestamps) loads, as does CLI v1's
// epoch form, and both are the same task definition.
func TestLoadTaskDefinitionJSONReadsCLIv1AndV2DescribeOutput(t *testing.T) {
	v1, err := ecsdeploy.LoadTaskDefinitionJSON(readFixture(t, "cli/v1-describe-task-definition.json"))
	if err != nil {
		t.Fatalf("CLI v1: %v", err)
	}
	v2, err := ecsdeploy.LoadTaskDefinitionJSON(readFixture(t, "cli/v2-describe-task-definition.json"))
	if err != nil {
		t.Fatalf("CLI v2 (ISO 8601 registeredAt): %v", err)
	}
	if d := ecsdeploy.Diff(v1, v2); d != "" {
		t.Fatalf("v1 and v2 differ:\n%s", d)
	}
	src, err := ecsdeploy.LoadTaskDefinitionJSON(readFixture(t, "fargate-web-awslogs.json"))
	if err != nil {
		t.Fatal(err)
	}
	if d := ecsdeploy.Diff(src, v2); d != "" {
		t.Fatalf("described v2 differs from the registered file:\n%s", d)
	}
	if len(v2.Tags) != 1 || aws.ToString(v2.Tags[0].Key) != "team" {
		t.Fatalf("tags %v", v2.Tags)
	}
}

// A timestamp that is neither epoch seconds nor ISO 8601 names its member.
func TestLoadTaskDefinitionJSONRejectsBadTimestamp(t *testing.T) {
	b := strings.Replace(string(readFixture(t, "cli/v2-describe-task-definition.json")), `"registeredAt": "2026-`, `"registeredAt": "yesterday 2026-`, 1)
	_, err := ecsdeploy.LoadTaskDefinitionJSON([]byte(b))
	if err == nil || !strings.Contains(err.Error(), "taskDefinition.registeredAt") || !strings.Contains(err.Error(), "ISO 8601") {
		t.Fatalf("err = %v", err)
	}
}

// describe-services output of both CLI versions loads as the same service
// definition, equal to the create-service file it was created from.
func TestLoadServiceJSONReadsDescribeServicesV1AndV2AndCreateServiceForm(t *testing.T) {
	v1, err := ecsdeploy.LoadServiceJSON(readFixture(t, "cli/v1-describe-services.json"))
	if err != nil {
		t.Fatalf("CLI v1: %v", err)
	}
	v2, err := ecsdeploy.LoadServiceJSON(readFixture(t, "cli/v2-describe-services.json"))
	if err != nil {
		t.Fatalf("CLI v2: %v", err)
	}
	if d := ecsdeploy.ServiceDiff(v1, v2); d != "" {
		t.Fatalf("v1 and v2 differ:\n%s", d)
	}
	if aws.ToString(v2.ServiceName) != "web" || aws.ToString(v2.Cluster) != "default" || aws.ToInt32(v2.DesiredCount) != 2 ||
		!v2.DeploymentConfiguration.DeploymentCircuitBreaker.Enable {
		t.Fatalf("loaded %+v", v2)
	}
	file, err := ecsdeploy.LoadServiceJSON(readFixture(t, "cli/create-service.json"))
	if err != nil {
		t.Fatal(err)
	}
	// describe-services without --include TAGS has no tags: that is the
	// one difference.
	if d := ecsdeploy.ServiceDiff(v2, file); d != `tags: <none> -> [{key: "team", value: "platform"}]` {
		t.Fatalf("diff against the create-service file:\n%s", d)
	}
	// MarshalServiceJSON round-trips.
	b, err := ecsdeploy.MarshalServiceJSON(file)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ecsdeploy.LoadServiceJSON(b)
	if err != nil {
		t.Fatalf("reloading %s: %v", b, err)
	}
	if d := ecsdeploy.ServiceDiff(file, back); d != "" || aws.ToString(back.TaskDefinition) != "web:1" {
		t.Fatalf("round trip changed:\n%s", d)
	}
}

// Loading reports every unknown or mistyped member at once, each naming
// its path, and changes nothing (the item 7).
func TestLoadersReportEveryUnknownOrMistypedFieldAtOnce(t *testing.T) {
	svc := `{"serviceName": "web", "desiredCount": "2", "launchTyp": "FARGATE",
	  "deploymentConfiguration": {"maximumPercent": 200.5, "minimumHealthy": 50}}`
	_, err := ecsdeploy.LoadServiceJSON([]byte(svc))
	got := validationFields(t, err)
	want := []string{"deploymentConfiguration.maximumPercent", "deploymentConfiguration.minimumHealthy", "desiredCount", "launchTyp"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("fields %v, want %v\n%v", got, want, err)
	}
	if !strings.Contains(err.Error(), "launchTyp: unknown field") || !strings.Contains(err.Error(), "desiredCount: expected integer, got string") {
		t.Fatalf("texts: %v", err)
	}
	td := `{"family": "web", "cpu": 256, "containerDefinitions": [{"name": "app", "image": "x", "memmory": 512, "essential": "yes"}]}`
	_, err = ecsdeploy.LoadTaskDefinitionJSON([]byte(td))
	got = validationFields(t, err)
	want = []string{"containerDefinitions[0].essential", "containerDefinitions[0].memmory", "cpu"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Fatalf("fields %v, want %v\n%v", got, want, err)
	}
}

// Malformed JSON is reported with its line and column.
func TestLoadersReportSyntaxErrorsWithLineAndColumn(t *testing.T) {
	doc := "{\n  \"serviceName\": \"web\",\n  \"desiredCount\": 2,,\n}"
	for name, load := range map[string]func([]byte) error{
		"service":         func(b []byte) error { _, err := ecsdeploy.LoadServiceJSON(b); return err },
		"task definition": func(b []byte) error { _, err := ecsdeploy.LoadTaskDefinitionJSON(b); return err },
	} {
		err := load([]byte(doc))
		if err == nil || !strings.Contains(err.Error(), "line 3, column 21") {
			t.Errorf("%s: %v, want line 3, column 21", name, err)
		}
	}
	err := func() error { _, err := ecsdeploy.LoadServiceJSON([]byte("{\n  \"serviceName\": \"web\"")); return err }()
	if err == nil || !strings.Contains(err.Error(), "line 2, column 23: unexpected end of input") {
		t.Errorf("truncated: %v", err)
	}
}

// A mistyped member and a broken rule elsewhere are reported together; the
// rule is not repeated for the mistyped member itself.
func TestLoadServiceJSONReportsTypeAndRuleProblemsTogether(t *testing.T) {
	_, err := ecsdeploy.LoadServiceJSON([]byte(`{"serviceName": "web", "desiredCount": "2", "launchType": "FARGATE",
	  "deploymentConfiguration": {"maximumPercent": 50, "minimumHealthyPercent": 100}}`))
	got := validationFields(t, err)
	if len(got) < 2 || got[0] != "desiredCount" || !strings.Contains(strings.Join(got, ","), "deploymentConfiguration") {
		t.Fatalf("fields %v\n%v", got, err)
	}
	if strings.Contains(err.Error(), "desiredCount: is required") {
		t.Fatalf("the mistyped member is also reported as missing:\n%v", err)
	}
}

// One described service on its own (jq '.services[0]' of describe-services)
// loads like the whole output.
func TestLoadServiceJSONReadsOneDescribedService(t *testing.T) {
	b := readFixture(t, "cli/v2-describe-services.json")
	whole, err := ecsdeploy.LoadServiceJSON(b)
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	one := s[strings.Index(s, "[")+1 : strings.LastIndex(s, "],\n    \"failures\"")]
	svc, err := ecsdeploy.LoadServiceJSON([]byte(one))
	if err != nil {
		t.Fatalf("one service: %v", err)
	}
	if d := ecsdeploy.ServiceDiff(whole, svc); d != "" || aws.ToString(svc.Cluster) != "default" {
		t.Fatalf("differs:\n%s", d)
	}
}
