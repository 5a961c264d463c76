package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/ecsdeploy/ecsdeploy"
)

// printStatus prints the service line and its deployments as a table.
func printStatus(w io.Writer, st *ecsdeploy.Status) {
	s := st.Service
	fmt.Fprintf(w, "service %s: %s, task definition %s, desired %d, running %d, pending %d\n",
		aws.ToString(s.ServiceName), aws.ToString(s.Status), afterSlash(aws.ToString(s.TaskDefinition)),
		s.DesiredCount, s.RunningCount, s.PendingCount)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "  DEPLOYMENT\tSTATUS\tTASK DEFINITION\tDESIRED\tPENDING\tRUNNING\tFAILED\tROLLOUT")
	for _, d := range s.Deployments {
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%d\t%d\t%d\t%d\t%s\n", aws.ToString(d.Id), aws.ToString(d.Status),
			afterSlash(aws.ToString(d.TaskDefinition)), d.DesiredCount, d.PendingCount, d.RunningCount, d.FailedTasks, d.RolloutState)
	}
	tw.Flush()
}
