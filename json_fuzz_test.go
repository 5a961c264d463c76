package ecsdeploy

import (
	"bytes"
	"testing"
)

// FuzzLoadTaskDefinitionJSON checks that the loader never panics and that
// whatever it accepts survives a write/read round trip unchanged and valid.
// Seeds: the fixtures, plus testdata/fuzz/FuzzLoadTaskDefinitionJSON.
func FuzzLoadTaskDefinitionJSON(f *testing.F) {
	for _, name := range fixtures {
		f.Add(readFixture(f, name))
	}
	for _, s := range []string{
		`{}`, `null`, `[]`, `{"taskDefinition":{}}`, `{"taskDefinition":null,"tags":[]}`,
		`{"family":"a","containerDefinitions":[{"name":"a","image":"b","memory":6}]}`,
		`{"family":"a","revision":1,"registeredAt":1.5,"containerDefinitions":[{"name":"a","image":"b","memoryReservation":6}]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, opts := range [][]JSONOption{nil, {IgnoreUnknownFields(), SkipValidation()}} {
			in, err := LoadTaskDefinitionJSON(data, opts...)
			if err != nil {
				if in != nil {
					t.Fatal("result and error both set")
				}
				problemList(t, err) // every problem is a *ValidationError
				continue
			}
			out, err := MarshalTaskDefinitionJSON(in)
			if err != nil {
				t.Fatalf("accepted input does not marshal: %v", err)
			}
			again, err := LoadTaskDefinitionJSON(out, opts...)
			if err != nil {
				t.Fatalf("written JSON does not load: %v\n%s", err, out)
			}
			out2, err := MarshalTaskDefinitionJSON(again)
			if err != nil || !bytes.Equal(out, out2) {
				t.Fatalf("round trip not stable: %v\n%s\n%s", err, out, out2)
			}
			if d := Diff(in, again); d != "" {
				t.Fatalf("round trip changed the definition:\n%s", d)
			}
		}
	})
}
