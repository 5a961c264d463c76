package ecsdeploy

import (
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	gocmp "github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// updatableMember is a CreateService member that UpdateService can change
// in place, and whether changing it starts a new deployment. Source: the
// UpdateService request parameters of the Amazon ECS API Reference ("This
// parameter triggers a new service deployment" / "doesn't trigger").
type updatableMember struct {
	field   string // the Go field name, the same in both requests
	deploys bool
}

var updatableMembers = []updatableMember{
	{"DesiredCount", false},
	{"DeploymentConfiguration", false},
	{"CapacityProviderStrategy", false},
	{"PlacementConstraints", false},
	{"PlacementStrategy", false},
	{"HealthCheckGracePeriodSeconds", false},
	{"PropagateTags", false},
	{"EnableECSManagedTags", false},
	{"EnableExecuteCommand", false},
	{"AvailabilityZoneRebalancing", false},
	{"NetworkConfiguration", true},
	{"LoadBalancers", true},
	{"ServiceRegistries", true},
	{"PlatformVersion", true},
	{"ServiceConnectConfiguration", true},
	{"VolumeConfigurations", true},
	{"VpcLatticeConfigurations", true},
}

// serviceChange is what deploying a service definition changes on the
// running service.
type serviceChange struct {
	// diff is ServiceDiff(current, want).
	diff string
	// update holds the changed members (Service, Cluster and
	// TaskDefinition are left for the caller); nil when nothing changes.
	update *ecs.UpdateServiceInput
	// deploys lists the changed members that start a new deployment
	// (ECS JSON names).
	deploys []string
}

// planServiceChange compares the wanted definition with the running
// service (described with its tags) and returns what one UpdateService
// must change, or the errors.Join of a *ValidationError for every change
// UpdateService cannot make in place. It is pure: no API calls.
func planServiceChange(svc *types.Service, want *ecs.CreateServiceInput, force bool) (*serviceChange, error) {
	cur := CreateInput(svc)
	set := want
	want = withKept(cur, want)
	var errs []error
	refuse := func(field, format string, args ...any) {
		errs = append(errs, &ValidationError{Field: "ServiceDefinition." + field, Rule: fmt.Sprintf(format, args...)})
	}
	if n := valueOf(want.ServiceName); n != "" && n != valueOf(cur.ServiceName) {
		refuse("serviceName", "is %q but the service deployed to is %q", n, valueOf(cur.ServiceName))
	}
	curCPS, wantCPS := len(cur.CapacityProviderStrategy) > 0, len(want.CapacityProviderStrategy) > 0
	switch {
	case set.LaunchType != "" && len(set.CapacityProviderStrategy) > 0:
		refuse("launchType", "cannot be set together with capacityProviderStrategy")
	case want.LaunchType != "" && cur.LaunchType != "" && want.LaunchType != cur.LaunchType:
		refuse("launchType", "cannot change from %s to %s in place: UpdateService has no launchType; create a new service", cur.LaunchType, want.LaunchType)
	case (cur.LaunchType != "" && wantCPS) || (curCPS && want.LaunchType != ""):
		if !force {
			refuse("capacityProviderStrategy", "moving between a launch type and a capacity provider strategy needs ForceNewDeployment")
		}
	}
	if want.SchedulingStrategy != "" && cur.SchedulingStrategy != "" && want.SchedulingStrategy != cur.SchedulingStrategy {
		refuse("schedulingStrategy", "cannot change from %s to %s in place: create a new service", cur.SchedulingStrategy, want.SchedulingStrategy)
	}
	if want.Role != nil && cur.Role != nil && *want.Role != *cur.Role {
		refuse("role", "cannot change in place (UpdateService has no role): create a new service")
	}
	a, b := NormalizeService(cur), NormalizeService(want)
	if ct := a.DeploymentController.Type; b.DeploymentController.Type != ct {
		refuse("deploymentController.type", "cannot change from %s to %s with ecsdeploy: use the ECS console or CLI", ct, b.DeploymentController.Type)
	}
	if !equalMember(a.Tags, b.Tags) {
		refuse("tags", "UpdateService cannot change tags: use TagResource / UntagResource (service %s has %s)", valueOf(cur.ServiceName), formatTags(cur.Tags))
	}
	ch := &serviceChange{diff: ServiceDiff(cur, want)}
	up := &ecs.UpdateServiceInput{}
	changed := false
	for _, m := range updatableMembers {
		if m.field == "DesiredCount" && set.DesiredCount == nil {
			continue // kept: autoscaling may own it
		}
		if m.field == "CapacityProviderStrategy" && !curCPS && !wantCPS {
			continue
		}
		av := reflect.ValueOf(a).Elem().FieldByName(m.field)
		bv := reflect.ValueOf(b).Elem().FieldByName(m.field)
		if equalMember(av.Interface(), bv.Interface()) {
			continue
		}
		changed = true
		uv := reflect.ValueOf(up).Elem().FieldByName(m.field)
		switch {
		case uv.Type() == bv.Type() && bv.Kind() == reflect.Slice && bv.IsNil():
			uv.Set(reflect.MakeSlice(bv.Type(), 0, 0)) // [] removes them all
		case uv.Type() == bv.Type():
			uv.Set(bv)
		case uv.Kind() == reflect.Pointer && uv.Type().Elem() == bv.Type():
			p := reflect.New(bv.Type())
			p.Elem().Set(bv)
			uv.Set(p)
		}
		if m.deploys {
			ch.deploys = append(ch.deploys, lowerFirst(m.field))
		}
	}
	if ctl := a.DeploymentController.Type; ctl != types.DeploymentControllerTypeEcs && len(ch.deploys) > 0 {
		refuse(ch.deploys[0], "cannot change in place on a service with the %s deployment controller: start a new deployment or task set", ctl)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if changed {
		ch.update = up
	}
	return ch, nil
}

// equalMember compares two normalised members as ServiceDiff does.
func equalMember(x, y any) bool {
	return gocmp.Equal(x, y, cmpopts.EquateEmpty(), gocmp.FilterPath(unexportedField, gocmp.Ignore()))
}

func formatTags(tags []types.Tag) string {
	if len(tags) == 0 {
		return "no tags"
	}
	var parts []string
	for _, t := range tags {
		parts = append(parts, valueOf(t.Key)+"="+valueOf(t.Value))
	}
	slices.Sort(parts)
	return strings.Join(parts, ", ")
}

// mergeServiceUpdate copies the members ch changes into up, except those
// up sets already (DeployInput.DesiredCount wins).
func mergeServiceUpdate(up *ecs.UpdateServiceInput, ch *serviceChange) {
	if ch == nil || ch.update == nil {
		return
	}
	uv, cv := reflect.ValueOf(up).Elem(), reflect.ValueOf(ch.update).Elem()
	for _, m := range updatableMembers {
		if f, u := cv.FieldByName(m.field), uv.FieldByName(m.field); !f.IsZero() && u.IsZero() {
			u.Set(f)
		}
	}
}
