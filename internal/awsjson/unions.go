package awsjson

import (
	"reflect"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// unionMembers lists, per ECS union interface, its member types. A union travels as an object with
// exactly one member, e.g. {"nvidiaMps": {...}}; the member name is the part of the Go type name
// after "<Union>Member", lower-cased first (see unionMemberName). These are the only wire names in
// the ECS model that are not a Go field name: they come from type names.
var unionMembers = map[reflect.Type][]reflect.Type{
	reflect.TypeFor[types.DescribeGatewayConfiguration]():         {reflect.TypeFor[types.DescribeGatewayConfigurationMemberHostSharedAlb]()},
	reflect.TypeFor[types.GatewayConfiguration]():                 {reflect.TypeFor[types.GatewayConfigurationMemberHostSharedAlb]()},
	reflect.TypeFor[types.GatewayConnectionResources]():           {reflect.TypeFor[types.GatewayConnectionResourcesMemberHostSharedAlb]()},
	reflect.TypeFor[types.GatewayElbAccessLogDestination]():       {reflect.TypeFor[types.GatewayElbAccessLogDestinationMemberS3]()},
	reflect.TypeFor[types.GatewayInfrastructureResources]():       {reflect.TypeFor[types.GatewayInfrastructureResourcesMemberHostSharedAlb]()},
	reflect.TypeFor[types.GatewayRouteResources]():                {reflect.TypeFor[types.GatewayRouteResourcesMemberHostSharedAlb]()},
	reflect.TypeFor[types.ServiceConnectContainerConfiguration](): {reflect.TypeFor[types.ServiceConnectContainerConfigurationMemberLogLevel]()},
	reflect.TypeFor[types.SharingStrategy]():                      {reflect.TypeFor[types.SharingStrategyMemberNvidiaMps]()},
	reflect.TypeFor[types.UpdateGatewayConfiguration]():           {reflect.TypeFor[types.UpdateGatewayConfigurationMemberHostSharedAlb]()},
}

// unionMemberName is the wire name of union member type m of union iface.
func unionMemberName(iface, m reflect.Type) string {
	return memberName(strings.TrimPrefix(m.Name(), iface.Name()+"Member"))
}

// unionMemberByName finds the member type of union iface whose wire name is name.
func unionMemberByName(iface reflect.Type, name string) (reflect.Type, bool) {
	for _, m := range unionMembers[iface] {
		if unionMemberName(iface, m) == name {
			return m, true
		}
	}
	return nil, false
}
