package plan

// DeploymentAlarm is a CloudWatch alarm named in the service's
// deploymentConfiguration.alarms (with enable) that went to ALARM.
type DeploymentAlarm struct {
	// Name is the alarm's name; empty means no alarm fired.
	Name string
	// Rollback is deploymentConfiguration.alarms.rollback.
	Rollback bool
}

// DeploymentAlarmFailedEvent is "(service X) (deployment ecs-svc/N)
// deployment failed: alarm detected." (the text ECS writes, as seen in
// service events quoted in public post-mortems and in aws/copilot-cli's
// tests).
func DeploymentAlarmFailedEvent(service, deploymentID string) string {
	return "(service " + service + ") (deployment " + deploymentID + ") deployment failed: alarm detected."
}

// AlarmFailedReason is the rolloutStateReason of a deployment a deployment
// alarm failed. The wording is the fake's (no public source quotes ECS's
// text); it names the alarm, as the Deployer's typed error needs.
func AlarmFailedReason(alarm string) string {
	return "ECS deployment alarms: alarm " + alarm + " is in ALARM state."
}

// failByAlarm fails the IN_PROGRESS primary deployment because a deployment
// alarm went to ALARM ("How CloudWatch alarms detect Amazon ECS deployment
// failures": the deployment is set to FAILED; with rollback ECS rolls back
// to the last COMPLETED deployment, the same way as the circuit breaker).
// It reports whether a rollback started.
func (c *computation) failByAlarm() bool {
	a := c.s.Service.Alarm
	return c.fail(AlarmFailedReason(a.Name), DeploymentAlarmFailedEvent(c.s.Service.Name, c.primary.next.ID), a.Rollback)
}
