package awsjson

import "strings"

// regionFromAuthorization extracts the region from a SigV4 Authorization header's credential
// scope, e.g. "AWS4-HMAC-SHA256 Credential=AKID/20240101/us-west-2/ecs/aws4_request, ...".
// The signature itself is not checked. It returns "" when there is no such scope.
func regionFromAuthorization(h string) string {
	_, after, ok := strings.Cut(h, "Credential=")
	if !ok {
		return ""
	}
	cred, _, _ := strings.Cut(after, ",")
	parts := strings.Split(strings.TrimSpace(cred), "/")
	// AKID / date / region / service / aws4_request
	if len(parts) != 5 || parts[4] != "aws4_request" {
		return ""
	}
	return parts[2]
}
