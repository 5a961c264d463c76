package fake

import (
	"fmt"
	"maps"
	"regexp"
	"slices"
	"strings"
)

// Container instance attributes: one checker for every path that gives an
// instance attributes (RegisterContainerInstance, PutAttributes and
// DeleteAttributes: attributes_api.go, AddInstance,
// DeclareAutoScalingGroup and the instances and autoscaling-groups
// controls), with ECS's rules (API Reference, Attribute; botocore's ecs
// service-2.json):
//
//   - a name has 1-128 characters: letters, numbers, hyphens (-),
//     underscores (_), forward slashes (/), back slashes (\) or periods (.);
//   - a value is optional ("Each attribute has a name and an optional
//     string value", Developer Guide, "Attributes"); when given it has
//     1-128 characters: letters, numbers, - _ . @ / \ : or spaces, and
//     does not start or end with a space;
//   - at most 10 custom attributes per container instance (PutAttributes:
//     "You can specify up to 10 custom attributes for each resource";
//     AttributeLimitExceededException). The built-in and optional
//     attributes the agent registers (ecs.*, com.amazonaws.ecs.*) are not
//     custom and do not count.
//
// A broken rule is an InvalidParameterException naming the member and the
// rule (RegisterContainerInstance's modelled errors do not include
// AttributeLimitExceededException; PutAttributes answers it for an
// instance that would pass the limit). ECS publishes no text for these
// refusals: the messages are the fake's. See docs/fidelity.md.

// maxCustomAttributes is ECS's limit of custom attributes per resource
// (API Reference, PutAttributes and AttributeLimitExceededException).
const maxCustomAttributes = 10

// attrNameRE and attrValueRE are the API Reference's Attribute rules.
var (
	attrNameRE  = regexp.MustCompile(`^[A-Za-z0-9_./\\-]{1,128}$`)
	attrValueRE = regexp.MustCompile(`^[A-Za-z0-9_./\\@:-]([A-Za-z0-9_./\\@: -]{0,126}[A-Za-z0-9_./\\@:-])?$`)
)

// Rules as the messages state them.
const (
	attrNameRule  = `1-128 letters, numbers, hyphens (-), underscores (_), forward slashes (/), back slashes (\) or periods (.)`
	attrValueRule = `1-128 letters, numbers, spaces (not first or last), hyphens (-), underscores (_), periods (.), at signs (@), forward slashes (/), back slashes (\) or colons (:)`
)

// attrIn is one attribute to check: index is its position in the
// request's list, or -1 when the attributes came as a map (named by name).
type attrIn struct {
	name, value string
	index       int
}

// customAttribute reports whether name is a custom attribute: not one of
// the built-in or optional attributes ECS and its agent set (ecs.*,
// com.amazonaws.ecs.*).
func customAttribute(name string) bool {
	return !strings.HasPrefix(name, "ecs.") && !strings.HasPrefix(name, "com.amazonaws.ecs.")
}

// checkAttributes checks attrs against ECS's rules; field names the member
// they came in ("attributes", "instance.attributes"). The answer is the
// first rule broken, as a message naming the member and the rule, or "".
// Problems are looked for in order: the count first (so a request of
// thousands costs one message), then each attribute.
func checkAttributes(field string, attrs []attrIn) string {
	custom := map[string]bool{}
	for _, a := range attrs {
		if customAttribute(a.name) {
			custom[a.name] = true
		}
	}
	if len(custom) > maxCustomAttributes {
		return fmt.Sprintf("%s: at most %d custom attributes per container instance (names other than ecs.* and com.amazonaws.ecs.*), got %d",
			field, maxCustomAttributes, len(custom))
	}
	for _, a := range attrs {
		if !attrNameRE.MatchString(a.name) {
			if a.index >= 0 {
				return fmt.Sprintf("%s[%d].name: %s: %s", field, a.index, echo(a.name), attrNameRule)
			}
			return fmt.Sprintf("%s: name %s: %s", field, echo(a.name), attrNameRule)
		}
		if a.value != "" && !attrValueRE.MatchString(a.value) {
			if a.index >= 0 {
				return fmt.Sprintf("%s[%d].value: %s: %s", field, a.index, echo(a.value), attrValueRule)
			}
			return fmt.Sprintf("%s[%s]: value %s: %s", field, echo(a.name), echo(a.value), attrValueRule)
		}
	}
	return ""
}

// mapAttributes lists a map of attributes, sorted by name, for
// checkAttributes.
func mapAttributes(m map[string]string) []attrIn {
	out := make([]attrIn, 0, len(m))
	for _, name := range slices.Sorted(maps.Keys(m)) {
		out = append(out, attrIn{name: name, value: m[name], index: -1})
	}
	return out
}

// checkSpecAttributes checks what an instance spec makes attributes of:
// its custom attributes, and its availability zone and instance type
// (the values of ecs.availability-zone and ecs.instance-type). prefix
// ("" or "instance.") names the spec's members.
func checkSpecAttributes(prefix string, spec InstanceSpec) string {
	if msg := checkAttributes(prefix+"attributes", mapAttributes(spec.Attributes)); msg != "" {
		return msg
	}
	for _, f := range []struct{ field, v string }{{"availabilityZone", spec.AZ}, {"instanceType", spec.InstanceType}} {
		if f.v != "" && !attrValueRE.MatchString(f.v) {
			return fmt.Sprintf("%s%s: %s: an attribute value: %s", prefix, f.field, echo(f.v), attrValueRule)
		}
	}
	return ""
}
