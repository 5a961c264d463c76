// Command deploy builds the seed's task definition (Fargate family "web",
// 256 CPU units, 512 MiB, one container from an ECR image on port 80) and
// prints it as the JSON that
// `aws ecs register-task-definition --cli-input-json file://web.json` accepts.
//
// It is the temporary main job of the README's quick start; the full deploy
// story on the in-memory fake replaces it.
package main

import (
	"fmt"
	"io"
	"os"

	"github.com/ecsdeploy/ecsdeploy"
)

func main() {
	if err := run(os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "deploy:", err)
		os.Exit(1)
	}
}

// run writes the seed task definition's register JSON to w.
func run(w io.Writer) error {
	td, err := ecsdeploy.NewTaskDefinition("web").
		Fargate().CPU(256).Memory(512).
		ExecutionRole("arn:aws:iam::123456789012:role/ecsTaskExecutionRole").
		Container(ecsdeploy.NewContainer("web", "123456789012.dkr.ecr.us-east-1.amazonaws.com/web:1.4.2").
			Port(80).
			Logs(ecsdeploy.AWSLogs("/ecs/web", "us-east-1", "web"))).
		Build()
	if err != nil {
		return err
	}
	out, err := ecsdeploy.MarshalTaskDefinitionJSON(td)
	if err != nil {
		return err
	}
	_, err = w.Write(out)
	return err
}
