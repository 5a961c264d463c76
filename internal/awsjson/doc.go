// Package awsjson is the AWS JSON 1.1 wire codec and HTTP handler used to serve the ECS fake over
// the protocol spoken by aws-sdk-go-v2, the AWS CLI and boto3.
//
// # Codec
//
// Marshal and Unmarshal work by reflection on aws-sdk-go-v2 ECS input, output and types structs
// (metadata cached per type). The wire member name of a field is its Go name with a lower-case
// first letter. This was checked against every member of the SDK's generated schemas
// (service/ecs@v1.105.1/schemas and the SerializeMembers methods) and is proven by
// TestEveryOperationRoundTripsWithSDK for all operations of *ecs.Client: structure members have
// no exceptions. The only names that do not come from a field are union members, named after
// their Go type (types.SharingStrategyMemberNvidiaMps is "nvidiaMps" of types.SharingStrategy);
// unions.go lists them. Skipped fields: unexported ones (noSmithyDocumentSerde), ResultMetadata,
// and exceptions' ErrorCodeOverride (the code travels as "__type").
//
// Output rules: nil pointers, slices, maps and interfaces and empty enum strings are omitted;
// slices and maps that are set but empty are emitted as [] and {} (waiters evaluate
// "deployments": []); non-pointer numbers and booleans are always emitted, as ECS does
// ("runningCount": 0); timestamps are epoch seconds with a millisecond fraction (1466801808.595),
// the number smithy-go's FormatEpochSeconds makes; NaN and ±Infinity are the strings "NaN",
// "Infinity", "-Infinity"; smithy documents are emitted as their JSON. MarshalSize counts the
// same JSON without keeping it and stops past a limit, so a size check costs memory and time in
// proportion to the limit, not to the value (the library's 64 KiB task definition check).
//
// Input rules: types are strict, as the SDK's own deserializer is (a string where a number is
// expected, a fraction or an out-of-range value in an integer, a timestamp outside int64
// nanoseconds: each a *DecodeError naming the member path, e.g. "containerDefinitions[0].cpu");
// null leaves a member unset; invalid UTF-8, malformed JSON, trailing data, nesting deeper
// than 64 levels, a list of more than MaxListItems (10,000) items and more than MaxTotalItems
// (50,000) list items in one document are errors, never panics (FuzzUnmarshal); malformed JSON
// names its line and column. The list bounds are checked by a byte scan before anything is
// decoded, so a 1 MiB body costs at most a few MB of decoded structs (no ECS list comes near
// them). Unknown members are ignored unless UnmarshalOptions.DisallowUnknownFields is set, then
// they are an *UnknownFieldError. Two options serve files rather than the wire (the library's
// loaders set them; the server does not): ISO8601Timestamps also takes timestamps as RFC 3339
// strings, as AWS CLI v2 prints them; AllErrors keeps decoding past unknown or mistyped members
// and returns every one of them, as an errors.Join.
//
// The same codec serves CloudWatch Logs (the fake's Logs view, prefix Logs_20140328): its types
// carry timestamps as int64 milliseconds (creationTime, timestamp, startTime), which are plain
// numbers here, checked by the Logs tests of package fake with the SDK's Logs client, boto3 and
// the AWS CLI.
//
// # Handler
//
// NewHandler dispatches "POST /" by X-Amz-Target to the service's methods shaped like the SDK
// client's; see NewHandler for the error mapping. An over-size body (> 1 MiB) is answered HTTP
// 413 with __type "RequestEntityTooLargeException": ECS itself documents no code for it, and this
// is the name AWS front ends use; the SDKs surface it as a generic API error with that code.
// Exception members besides the message (ConflictException.resourceIds) are sent in the error
// body. Every response carries an x-amzn-RequestId.
//
// # Figures (2 shared cores, noisy; go test -bench . ./internal/awsjson/)
//
// BenchmarkMarshalDescribeServicesOutput (10 services mid-rollout, 50 KB of JSON): about
// 320 µs/op, 150 MB/s, 10 allocs/op. BenchmarkHandlerDescribeServices (real SDK client, loopback
// HTTP, same 50 KB answer, parallel): about 1,900 requests/s, of which the SDK's deserializer
// takes half the CPU and Marshal 15%.
package awsjson
