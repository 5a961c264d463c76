package awsjson

// RegionFromAuthorization returns the region of a SigV4 Authorization header's credential scope
// ("" when there is none); the signature is not checked. The Query codec (internal/awsquery)
// shares it.
func RegionFromAuthorization(h string) string { return regionFromAuthorization(h) }
