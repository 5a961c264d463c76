package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// serviceDiff compares the settings of spec (with defaults applied) that
// UpdateService can change with the deployed service, one "field: old ->
// new" line each, sorted. Settings the spec leaves unset are not compared.
// Fields UpdateService cannot change (launchType, schedulingStrategy) are
// reported with "(needs a new service)".
func serviceDiff(cur *types.Service, spec *ecs.CreateServiceInput) []string {
	var out []string
	add := func(field string, old, new any) {
		if fmt.Sprint(old) != fmt.Sprint(new) {
			out = append(out, fmt.Sprintf("%s: %v -> %v", field, old, new))
		}
	}
	if spec.DesiredCount != nil {
		add("desiredCount", cur.DesiredCount, *spec.DesiredCount)
	}
	if spec.LaunchType != "" && cur.LaunchType != spec.LaunchType {
		out = append(out, fmt.Sprintf("launchType: %s -> %s (needs a new service)", cur.LaunchType, spec.LaunchType))
	}
	if spec.PlatformVersion != nil {
		add("platformVersion", aws.ToString(cur.PlatformVersion), *spec.PlatformVersion)
	}
	if spec.HealthCheckGracePeriodSeconds != nil {
		add("healthCheckGracePeriodSeconds", aws.ToInt32(cur.HealthCheckGracePeriodSeconds), *spec.HealthCheckGracePeriodSeconds)
	}
	if dc := spec.DeploymentConfiguration; dc != nil {
		cdc := cur.DeploymentConfiguration
		if cdc == nil {
			cdc = &types.DeploymentConfiguration{}
		}
		if dc.MinimumHealthyPercent != nil {
			add("deploymentConfiguration.minimumHealthyPercent", aws.ToInt32(cdc.MinimumHealthyPercent), *dc.MinimumHealthyPercent)
		}
		if dc.MaximumPercent != nil {
			add("deploymentConfiguration.maximumPercent", aws.ToInt32(cdc.MaximumPercent), *dc.MaximumPercent)
		}
		if cb := dc.DeploymentCircuitBreaker; cb != nil {
			ccb := cdc.DeploymentCircuitBreaker
			if ccb == nil {
				ccb = &types.DeploymentCircuitBreaker{}
			}
			add("deploymentConfiguration.deploymentCircuitBreaker.enable", ccb.Enable, cb.Enable)
			add("deploymentConfiguration.deploymentCircuitBreaker.rollback", ccb.Rollback, cb.Rollback)
		}
	}
	if nc := spec.NetworkConfiguration; nc != nil && nc.AwsvpcConfiguration != nil {
		want := nc.AwsvpcConfiguration
		have := &types.AwsVpcConfiguration{}
		if cur.NetworkConfiguration != nil && cur.NetworkConfiguration.AwsvpcConfiguration != nil {
			have = cur.NetworkConfiguration.AwsvpcConfiguration
		}
		add("networkConfiguration.awsvpcConfiguration.subnets", sortedList(have.Subnets), sortedList(want.Subnets))
		add("networkConfiguration.awsvpcConfiguration.securityGroups", sortedList(have.SecurityGroups), sortedList(want.SecurityGroups))
		wantIP := want.AssignPublicIp
		if wantIP == "" {
			wantIP = types.AssignPublicIpDisabled // the ECS default
		}
		haveIP := have.AssignPublicIp
		if haveIP == "" {
			haveIP = types.AssignPublicIpDisabled
		}
		add("networkConfiguration.awsvpcConfiguration.assignPublicIp", haveIP, wantIP)
	}
	slices.Sort(out)
	return out
}

// needsUpdateService reports whether the service diff has changes beyond
// desiredCount (which Deploy can apply by itself).
func needsUpdateService(lines []string) bool {
	for _, l := range lines {
		if !strings.HasPrefix(l, "desiredCount:") {
			return true
		}
	}
	return false
}

// sortedList prints a list in sorted order, "[]" when empty.
func sortedList(s []string) string {
	c := slices.Clone(s)
	slices.Sort(c)
	return "[" + strings.Join(c, " ") + "]"
}
