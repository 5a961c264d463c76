package ecsdeploy

import (
	"encoding/json"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

// MarshalTaskDefinitionJSON writes in as the JSON that
// `aws ecs register-task-definition --cli-input-json` accepts.
func MarshalTaskDefinitionJSON(in *ecs.RegisterTaskDefinitionInput) ([]byte, error) {
	return json.Marshal(in)
}
