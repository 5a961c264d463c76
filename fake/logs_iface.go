package fake

import "github.com/ecsdeploy/ecsdeploy"

// The Logs view satisfies the Deployer's LogsAPI, and *ECS hands it out as
// an ecsdeploy.LogsProvider, so ecsdeploy.New(f) reads the fake's logs.
var (
	_ ecsdeploy.LogsAPI      = (*Logs)(nil)
	_ ecsdeploy.LogsProvider = (*ECS)(nil)
)

// LogsAPI returns the fake's CloudWatch Logs as the Deployer's LogsAPI.
func (e *ECS) LogsAPI() ecsdeploy.LogsAPI { return e.Logs() }
