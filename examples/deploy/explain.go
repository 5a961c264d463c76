package main

import "strings"

// explanation is one known stopped-reason pattern and what it means.
type explanation struct {
	prefix string // matched against the start of the reason (case-sensitive, as ECS writes it)
	text   string
}

// explanations follow the Amazon ECS Developer Guide, "Amazon ECS stopped
// task error messages" and its troubleshooting pages
// (https://docs.aws.amazon.com/AmazonECS/latest/developerguide/stopped-task-error-codes.html).
// More specific prefixes come first.
func explanations() []explanation {
	return []explanation{
		{"CannotPullContainerError", "the image could not be pulled: check that the repository and tag exist, " +
			"that the task execution role may pull from the registry (ECR needs ecr:GetAuthorizationToken and " +
			"ecr:BatchGetImage), and that the task has a route to the registry (public IP, NAT gateway or VPC endpoints)"},
		{"ResourceInitializationError", "ECS could not prepare the task (secrets, log group or image registry " +
			"authentication): check the task execution role and the network route to AWS services"},
		{"CannotStartContainerError", "the container runtime could not start the container: check the command, " +
			"entry point and memory settings"},
		{"OutOfMemoryError", "a container used more memory than its limit: raise memory in the task definition"},
		{"Essential container in task exited", "an essential container stopped, so ECS stopped the whole task: " +
			"look at the container's exit code and its logs"},
		{"Task failed container health checks", "an essential container's health check failed retries times in a " +
			"row: check the health check command and that the application answers within the timeout"},
		{"Task failed ELB health checks", "the load balancer's target group marked the task unhealthy: check the " +
			"health check path, port and the security groups between load balancer and task"},
		{"Scaling activity initiated by", "the service scheduler stopped it on purpose (a deployment or a scale-in); " +
			"this is not a failure"},
		{"Task stopped by user", "someone called StopTask; this is not a failure"},
	}
}

// explain says in plain words what an ECS stopped reason means and what
// to check; "" when the reason is not one it knows.
func explain(reason string) string {
	for _, e := range explanations() {
		if strings.HasPrefix(reason, e.prefix) {
			return e.text
		}
	}
	return ""
}
