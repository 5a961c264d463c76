package awsquery

import "github.com/ecsdeploy/ecsdeploy/internal/sdkreflect"

// Operations lists, sorted, the operation names that NewHandler would serve for service: its
// methods shaped like an aws-sdk-go-v2 client's (see sdkreflect.Operations).
func Operations(service any) []string { return sdkreflect.OperationNames(service) }
