// Package awsjson is the AWS JSON 1.1 wire codec and HTTP handler used to serve the ECS fake over
// the protocol spoken by aws-sdk-go-v2, the AWS CLI and boto3.
//
// The codec works by reflection on aws-sdk-go-v2 ECS input, output and types structs. The wire
// member name of a field is its Go name with a lower-case first letter; this was verified against
// every member of the SDK's generated schemas (service/ecs@v1.105.1/schemas) and has no exceptions
// for structure members. The only names that do not follow the rule are those of union members
// (e.g. types.SharingStrategyMemberNvidiaMps is the member "nvidiaMps" of the union
// types.SharingStrategy); they are listed in unions.go.
//
// Timestamps are epoch seconds with a millisecond fraction (1466801808.595), as smithy-go's
// FormatEpochSeconds / ParseEpochSeconds do.
package awsjson
