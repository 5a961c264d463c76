package awsjson

import (
	"encoding/json"

	"github.com/aws/aws-sdk-go-v2/service/ecs/document"
	smithydocumentjson "github.com/aws/smithy-go/document/json"
)

// jsonDocument is a decoded smithy document member (e.g. DeploymentLifecycleHook.HookDetails).
// The SDK's own lazy document cannot be unmarshalled (service/ecs@v1.105.1 decodes into the
// wrong variable), and its decoded-document type is internal, so this type plays that role: it
// embeds a lazy document only for the SDK's unexported marker method, and keeps the JSON value
// (with json.Number leaves) for MarshalSmithyDocument and UnmarshalSmithyDocument.
type jsonDocument struct {
	document.Interface
	value any
}

func newJSONDocument(v any) document.Interface {
	return &jsonDocument{Interface: document.NewLazyDocument(nil), value: v}
}

// MarshalSmithyDocument implements smithy-go's document.Marshaler.
func (d *jsonDocument) MarshalSmithyDocument() ([]byte, error) {
	return json.Marshal(d.value)
}

// UnmarshalSmithyDocument implements smithy-go's document.Unmarshaler.
func (d *jsonDocument) UnmarshalSmithyDocument(v any) error {
	return smithydocumentjson.NewDecoder().DecodeJSONInterface(d.value, v)
}
