package fake

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// InjectFault rejects faults that can never match, naming the selector,
// and injects nothing.
func TestInjectFaultRejectsFaultsThatCanNeverMatch(t *testing.T) {
	e := New()
	for _, c := range []struct {
		f    Fault
		want string
	}{
		{Fault{Image: "   ", Action: FaultFailStart}, "image: blank"},
		{Fault{Image: "web:1.?", Action: FaultFailStart}, `image "web:1.?": can never match`},
		{Fault{Image: "web:[12]", Action: FaultExit}, "only * is a wildcard"},
		{Fault{Image: "web :1", Action: FaultExit}, "can never match"},
		{Fault{Family: "web*", Action: FaultExit}, `family "web*": can never match`},
		{Fault{Family: "my family", Action: FaultExit}, "no wildcards"},
	} {
		if err := e.InjectFault(c.f); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want %q", c.f, err, c.want)
		}
	}
	if n := len(e.Faults()); n != 0 {
		t.Fatalf("%d faults injected by rejected calls", n)
	}
	// Valid selectors, including no selector (every task), are accepted.
	for _, f := range []Fault{{Action: FaultFailStart}, {Image: "*.dkr.ecr.*/web:*", Action: FaultExit}, {Family: "web_2-a", Action: FaultExit}} {
		if err := e.InjectFault(f); err != nil {
			t.Errorf("%+v: %v", f, err)
		}
	}
}

// Faults reports how often each task and operation fault fired, in
// process and over HTTP (GET /_fake/v1/faults).
func TestFaultsReportHowOftenEachFaultFired(t *testing.T) {
	e := newCluster(t, 2)
	td := register(t, e, simpleTD("web", "img:bad"))
	if err := e.InjectFault(Fault{Image: "img:bad", Action: FaultFailStart, Times: 2}); err != nil {
		t.Fatal(err)
	}
	if err := e.InjectFault(Fault{Image: "never:*", Action: FaultExit}); err != nil {
		t.Fatal(err)
	}
	e.FailOperation("ListClusters", "ThrottlingException", 0, 0)
	run(t, e, &ecs.RunTaskInput{TaskDefinition: &td, Count: ptrInt32(3)})
	for range 4 {
		_, _ = e.ListClusters(bg, &ecs.ListClustersInput{})
	}
	got := e.Faults()
	if len(got) != 3 || got[0].Fired != 2 || !got[0].Exhausted || got[1].Fired != 0 || got[2].Operation != "ListClusters" || got[2].Fired != 4 || got[2].Exhausted {
		t.Fatalf("faults %+v", got)
	}
	srv := httptest.NewServer(NewServer(e))
	defer srv.Close()
	resp, err := http.Get(srv.URL + "/_fake/v1/faults")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var list struct {
		Faults []struct {
			TaskFault *struct{ Image string }
			Operation string
			Fired     int
		}
	}
	if err := json.Unmarshal(b, &list); err != nil || len(list.Faults) != 3 || list.Faults[0].TaskFault.Image != "img:bad" ||
		list.Faults[0].Fired != 2 || list.Faults[2].Operation != "ListClusters" || list.Faults[2].Fired != 4 {
		t.Fatalf("GET faults: %s (%v)", b, err)
	}
}

func ptrInt32(v int32) *int32 { return &v }

// Over HTTP an explicitly empty selector is refused (leaving it out
// selects every task).
func TestControlFaultsRejectEmptySelector(t *testing.T) {
	srv := httptest.NewServer(NewServer(New()))
	defer srv.Close()
	for _, body := range []string{`{"image": "", "action": "fail-start"}`, `{"family": "", "action": "exit"}`, `{"image": "web:?", "action": "exit"}`} {
		resp, err := http.Post(srv.URL+"/_fake/v1/faults", "application/json", strings.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 400 || !strings.Contains(string(b), "can never match") {
			t.Errorf("%s: %d %s", body, resp.StatusCode, b)
		}
	}
}
