package main

import (
	"bytes"
	"testing"

	"github.com/ecsdeploy/ecsdeploy"
)

func TestRunPrintsSeedTaskDefinition(t *testing.T) {
	var buf bytes.Buffer
	if err := run(&buf); err != nil {
		t.Fatal(err)
	}
	td, err := ecsdeploy.LoadTaskDefinitionJSON(buf.Bytes())
	if err != nil {
		t.Fatalf("printed JSON does not load strictly: %v\n%s", err, buf.String())
	}
	c := td.ContainerDefinitions
	if *td.Family != "web" || *td.Cpu != "256" || *td.Memory != "512" || len(c) != 1 || *c[0].PortMappings[0].ContainerPort != 80 ||
		td.RequiresCompatibilities[0] != "FARGATE" {
		t.Errorf("unexpected task definition:\n%s", buf.String())
	}
}
