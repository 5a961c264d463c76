// Package sdkreflect holds the protocol-independent reflection over
// aws-sdk-go-v2 shapes that the fake's wire codecs share (internal/awsjson
// for AWS JSON 1.1, internal/awsquery for AWS Query, internal/awscbor for
// Smithy RPC v2 CBOR): which methods of a
// service are operations shaped like an SDK client's, which fields of an
// SDK struct are serialisable, and a per-type cache for the metadata each
// codec derives from them. Wire names, encodings and error mapping stay in
// each codec.
package sdkreflect
