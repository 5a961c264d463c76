package main

import (
	"context"
	"io"
	"strings"
	"testing"
)

// A restored world keeps the settings it was created with: flags that
// shape a new world (-instances, -seed, -region, -quota, ...) do nothing
// to it. ecsfake says so, naming them, and its banner does not claim them
// (it printed "region eu-west-1, ... seed 9" and "cluster "default" with 5
// EC2 instance(s)" over a us-east-1, seed 1 world with 2 instances).
func TestStateRestoreNamesTheFlagsItIgnores(t *testing.T) {
	path := newStateFile(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel() // start, then shut down at once
	var out, errOut strings.Builder
	err := run(ctx, []string{"-addr", "127.0.0.1:0", "-speed", "0", "-state", path, "-instances", "5", "-seed", "9",
		"-region", "eu-west-1", "-quota", "services-per-cluster=1"}, &out, &errOut)
	if err != nil {
		t.Fatal(err)
	}
	want := "ecsfake: -state " + path + ": the restored world keeps the settings it was saved with; ignoring -instances, -quota, -region, -seed"
	if !strings.Contains(errOut.String(), want) {
		t.Errorf("stderr:\n%s\nwant it to contain %q", errOut.String(), want)
	}
	for _, claim := range []string{"with 5 EC2 instance(s)", "region eu-west-1", "seed 9"} {
		if strings.Contains(out.String(), claim) {
			t.Errorf("banner claims %q for a restored world:\n%s", claim, out.String())
		}
	}
	// Without a file to restore, the flags make the new world: nothing is ignored.
	o, err := parseFlags([]string{"-state", path, "-seed", "9", "-instances", "5"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if got := ignoredOnRestore(o); strings.Join(got, ",") != "-instances,-seed" {
		t.Errorf("ignoredOnRestore = %q, want [-instances -seed]", got)
	}
	if o, _ = parseFlags([]string{"-state", path, "-speed", "0", "-addr", "127.0.0.1:0"}, io.Discard); len(ignoredOnRestore(o)) != 0 {
		t.Errorf("ignoredOnRestore = %q for flags that apply to a restored world too", ignoredOnRestore(o))
	}
}
