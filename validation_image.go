package ecsdeploy

import (
	"regexp"
	"strings"
)

var (
	// imageCharsRE: "Up to 255 letters (uppercase and lowercase), numbers,
	// hyphens, underscores, colons, periods, forward slashes, and number
	// signs are allowed" (ECS API Reference, ContainerDefinition.image),
	// plus '@' for digests.
	imageCharsRE   = regexp.MustCompile(`^[A-Za-z0-9._:/#@-]+$`)
	imageTagRE     = regexp.MustCompile(`^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$`)
	imageDigestRE  = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$`)
	imageCompRE    = regexp.MustCompile(`^[A-Za-z0-9#]+(?:(?:[._]|__|-+)[A-Za-z0-9#]+)*$`)
	imageHostRE    = regexp.MustCompile(`^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?::[0-9]+)?$`)
	maxImageLength = 255
)

// checkImage returns "" when image is a valid image reference
// ([registry[:port]/]repository[:tag][@digest]) or the rule it breaks.
func checkImage(image string) string {
	if len(image) > maxImageLength && !strings.Contains(image, "@") {
		return "must be at most 255 characters"
	}
	if !imageCharsRE.MatchString(image) {
		return "image reference may contain only letters, numbers, hyphens, underscores, colons, periods, forward slashes, number signs and @"
	}
	name := image
	if n, digest, ok := strings.Cut(image, "@"); ok {
		if !imageDigestRE.MatchString(digest) {
			return "image digest must look like sha256:<hex>"
		}
		name = n
	}
	if slash := strings.LastIndex(name, "/"); strings.LastIndex(name, ":") > slash {
		colon := strings.LastIndex(name, ":")
		if !imageTagRE.MatchString(name[colon+1:]) {
			return "image tag must be 1-128 letters, numbers, underscores, periods and hyphens, not starting with a period or hyphen"
		}
		name = name[:colon]
	}
	parts := strings.Split(name, "/")
	if len(parts) > 1 && (strings.ContainsAny(parts[0], ".:") || parts[0] == "localhost") {
		if !imageHostRE.MatchString(parts[0]) {
			return "image registry host is malformed"
		}
		parts = parts[1:]
	}
	for _, c := range parts {
		if !imageCompRE.MatchString(c) {
			return "image repository path component " + quote(c) + " is malformed"
		}
	}
	return ""
}

func quote(s string) string { return `"` + s + `"` }
