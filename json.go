package ecsdeploy

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/internal/awsjson"
)

// JSONOption tunes LoadTaskDefinitionJSON.
type JSONOption func(*jsonOptions)

type jsonOptions struct {
	ignoreUnknown  bool
	skipValidation bool
}

// IgnoreUnknownFields makes LoadTaskDefinitionJSON skip members the SDK does
// not model instead of reporting them.
func IgnoreUnknownFields() JSONOption { return func(o *jsonOptions) { o.ignoreUnknown = true } }

// SkipValidation makes LoadTaskDefinitionJSON only decode, without the
// ValidateTaskDefinitionInput rules.
func SkipValidation() JSONOption { return func(o *jsonOptions) { o.skipValidation = true } }

// readOnlyTaskDefinitionFields are the members of a described task
// definition that RegisterTaskDefinition does not take; loading drops them.
var readOnlyTaskDefinitionFields = []string{
	"taskDefinitionArn", "revision", "status", "requiresAttributes", "compatibilities",
	"registeredAt", "registeredBy", "deregisteredAt", "deleteRequestedAt",
}

// describeDocument is the output of `aws ecs describe-task-definition`
// (with --include TAGS the tags sit beside the task definition).
type describeDocument struct {
	TaskDefinition *types.TaskDefinition
	Tags           []types.Tag
}

// LoadTaskDefinitionJSON reads a task definition in either JSON form the AWS
// CLI uses: the input of `aws ecs register-task-definition --cli-input-json`
// or the output of `aws ecs describe-task-definition` ({"taskDefinition":
// {...}, "tags": [...]}). Read-only members (taskDefinitionArn, revision,
// status, requiresAttributes, compatibilities, registeredAt, registeredBy,
// deregisteredAt) are type-checked and dropped. Unknown members are errors
// naming their path unless IgnoreUnknownFields is given. Unless
// SkipValidation is given the result is also validated, and every problem is
// reported as a *ValidationError inside an errors.Join.
func LoadTaskDefinitionJSON(data []byte, opts ...JSONOption) (*ecs.RegisterTaskDefinitionInput, error) {
	var o jsonOptions
	for _, opt := range opts {
		if opt != nil {
			opt(&o)
		}
	}
	uo := o.unmarshalOptions()
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil || top == nil {
		// Let the codec name the problem (malformed JSON, not an object, ...).
		var in ecs.RegisterTaskDefinitionInput
		if derr := awsjson.Unmarshal(data, &in, uo); derr != nil {
			return nil, decodeProblems(derr, "")
		}
		return nil, errors.Join(&ValidationError{Field: "taskDefinition", Rule: "must be a JSON object"})
	}
	const root, model = "taskDefinition", "the ECS task definition model"
	var in *ecs.RegisterTaskDefinitionInput
	var problems []error
	if _, ok := top["taskDefinition"]; ok {
		var doc describeDocument
		list, fatal := memberProblems(awsjson.Unmarshal(data, &doc, uo), root, model)
		if fatal != nil {
			return nil, fatal
		}
		problems = list
		if doc.TaskDefinition == nil && len(problems) == 0 {
			return nil, errors.Join(&ValidationError{Field: "taskDefinition", Rule: "must be a JSON object"})
		}
		if doc.TaskDefinition != nil {
			in = RegisterInput(doc.TaskDefinition)
			in.Tags = doc.Tags
		}
	} else {
		var fatal error
		if in, problems, fatal = loadRegisterForm(top, uo); fatal != nil {
			return nil, fatal
		}
	}
	if in != nil && !o.skipValidation {
		problems = withValidation(problems, ValidateTaskDefinitionInput(in))
	}
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	return in, nil
}

// loadRegisterForm decodes the register form, type-checking and dropping
// read-only members that a copy of describe output may carry. It returns
// what it decoded with the member problems, or a fatal error.
func loadRegisterForm(top map[string]json.RawMessage, uo awsjson.UnmarshalOptions) (*ecs.RegisterTaskDefinitionInput, []error, error) {
	const root, model = "taskDefinition", "the ECS task definition model"
	var problems []error
	readOnly := map[string]json.RawMessage{}
	for _, k := range readOnlyTaskDefinitionFields {
		if v, ok := top[k]; ok {
			readOnly[k] = v
			delete(top, k)
		}
	}
	if len(readOnly) > 0 {
		b, err := json.Marshal(readOnly)
		if err != nil {
			return nil, nil, errors.Join(&ValidationError{Field: root, Rule: err.Error()})
		}
		var td types.TaskDefinition
		list, fatal := memberProblems(awsjson.Unmarshal(b, &td, uo), root, model)
		if fatal != nil {
			return nil, nil, fatal
		}
		problems = append(problems, list...)
	}
	b, err := json.Marshal(top)
	if err != nil {
		return nil, nil, errors.Join(&ValidationError{Field: root, Rule: err.Error()})
	}
	var in ecs.RegisterTaskDefinitionInput
	list, fatal := memberProblems(awsjson.Unmarshal(b, &in, uo), root, model)
	if fatal != nil {
		return nil, nil, fatal
	}
	return &in, append(problems, list...), nil
}

// unmarshalOptions are the codec options of the loaders: ISO 8601
// timestamps (AWS CLI v2) besides epoch seconds (CLI v1, the wire form),
// and every member problem at once.
func (o jsonOptions) unmarshalOptions() awsjson.UnmarshalOptions {
	return awsjson.UnmarshalOptions{DisallowUnknownFields: !o.ignoreUnknown, ISO8601Timestamps: true, AllErrors: true}
}

// decodeProblems turns a codec error (one, or an errors.Join of several)
// into an errors.Join of *ValidationError naming each member's path.
func decodeProblems(err error, prefix string) error {
	return errors.Join(decodeProblemList(err, prefix, "taskDefinition", "the ECS task definition model")...)
}

// problemList flattens a codec error (one, or an errors.Join of several)
// into *ValidationErrors naming each member's path, for a document whose
// root is named root and whose model is described by model.
func decodeProblemList(err error, prefix, root, model string) []error {
	if many, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range many.Unwrap() {
			out = append(out, decodeProblemList(e, prefix, root, model)...)
		}
		return out
	}
	var uf *awsjson.UnknownFieldError
	if errors.As(err, &uf) {
		return []error{&ValidationError{Field: prefix + uf.Path, Rule: "unknown field (not in " + model + ")"}}
	}
	var de *awsjson.DecodeError
	if errors.As(err, &de) {
		field := prefix + de.Path
		if field == "" {
			field = root
		}
		return []error{&ValidationError{Field: field, Rule: de.Msg}}
	}
	return []error{&ValidationError{Field: root, Rule: err.Error()}}
}

// MarshalTaskDefinitionJSON writes in as the JSON that
// `aws ecs register-task-definition --cli-input-json` accepts: camelCase
// members, unset ones omitted, indented by two spaces, map keys sorted.
func MarshalTaskDefinitionJSON(in *ecs.RegisterTaskDefinitionInput) ([]byte, error) {
	if in == nil {
		return nil, fmt.Errorf("ecsdeploy: MarshalTaskDefinitionJSON: nil input")
	}
	return marshalCLIJSON("MarshalTaskDefinitionJSON", in)
}

// marshalCLIJSON writes an SDK input as the AWS CLI's --cli-input-json
// form, indented by two spaces with a final newline; fn names the caller
// in errors.
func marshalCLIJSON(fn string, in any) ([]byte, error) {
	b, err := awsjson.Marshal(in)
	if err != nil {
		return nil, fmt.Errorf("ecsdeploy: %s: %w", fn, err)
	}
	var out bytes.Buffer
	if err := json.Indent(&out, b, "", "  "); err != nil {
		return nil, fmt.Errorf("ecsdeploy: %s: %w", fn, err)
	}
	out.WriteByte('\n')
	return out.Bytes(), nil
}

// RegisterInput converts a registered task definition (DescribeTaskDefinition
// output) back to the RegisterTaskDefinition request that would recreate it,
// dropping read-only fields. Tags are not part of types.TaskDefinition; set
// them from DescribeTaskDefinitionOutput.Tags. It returns nil for nil.
func RegisterInput(td *types.TaskDefinition) *ecs.RegisterTaskDefinitionInput {
	if td == nil {
		return nil
	}
	in := &ecs.RegisterTaskDefinitionInput{
		ContainerDefinitions:          slices.Clone(td.ContainerDefinitions),
		Family:                        td.Family,
		Cpu:                           td.Cpu,
		EnableFaultInjection:          td.EnableFaultInjection,
		EphemeralStorage:              td.EphemeralStorage,
		ExecutionRoleArn:              td.ExecutionRoleArn,
		IpcMode:                       td.IpcMode,
		Memory:                        td.Memory,
		NetworkMode:                   td.NetworkMode,
		PidMode:                       td.PidMode,
		PlacementConstraints:          slices.Clone(td.PlacementConstraints),
		ProxyConfiguration:            td.ProxyConfiguration,
		RequiresCompatibilities:       slices.Clone(td.RequiresCompatibilities),
		RuntimePlatform:               td.RuntimePlatform,
		TaskRoleArn:                   td.TaskRoleArn,
		TrustedExecutionConfiguration: td.TrustedExecutionConfiguration,
		Volumes:                       slices.Clone(td.Volumes),
	}
	//lint:ignore SA1019 deprecated by AWS but still modelled; kept so the round trip is lossless
	in.InferenceAccelerators = slices.Clone(td.InferenceAccelerators)
	return in
}
