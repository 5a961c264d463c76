package ecsdeploy

import (
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// DeploymentAlarms makes ECS watch CloudWatch alarms during deployments
// (deploymentConfiguration.alarms): an alarm going to ALARM while a
// deployment is in progress fails it, and rollback rolls the service back
// to the last completed deployment. Deploy then returns an
// *AlarmFailedError naming the alarm.
func (b *ServiceBuilder) DeploymentAlarms(rollback bool, alarmNames ...string) *ServiceBuilder {
	b.deployment().Alarms = &types.DeploymentAlarms{AlarmNames: append([]string(nil), alarmNames...), Enable: true, Rollback: rollback}
	return b
}
