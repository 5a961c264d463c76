package ecsdeploy

import (
	"bytes"
	"os"
	"testing"
)

// FuzzLoadServiceJSON checks that the service loader never panics, reports
// only *ValidationErrors, and that whatever it accepts survives a
// write/read round trip with no ServiceDiff. Seeds: the CLI fixtures.
func FuzzLoadServiceJSON(f *testing.F) {
	for _, name := range []string{"testdata/cli/v1-describe-services.json", "testdata/cli/v2-describe-services.json", "testdata/cli/create-service.json"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	for _, s := range []string{`{}`, `null`, `[]`, `{"services":[]}`, `{"service":null}`, `{"serviceArn":"x","serviceName":"a","desiredCount":1}`,
		`{"serviceName":"a","desiredCount":"1","launchTyp":1}`, "{\n\"serviceName\": \"a\",,\n}"} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, opts := range [][]JSONOption{nil, {IgnoreUnknownFields(), SkipValidation()}} {
			in, err := LoadServiceJSON(data, opts...)
			if err != nil {
				if in != nil {
					t.Fatal("result and error both set")
				}
				problemList(t, err)
				continue
			}
			out, err := MarshalServiceJSON(in)
			if err != nil {
				t.Fatalf("accepted input does not marshal: %v", err)
			}
			again, err := LoadServiceJSON(out, opts...)
			if err != nil {
				t.Fatalf("written JSON does not load: %v\n%s", err, out)
			}
			out2, _ := MarshalServiceJSON(again)
			if !bytes.Equal(out, out2) {
				t.Fatalf("round trip not stable:\n%s\n%s", out, out2)
			}
			if d := ServiceDiff(in, again); d != "" {
				t.Fatalf("round trip changed the service:\n%s", d)
			}
		}
	})
}
