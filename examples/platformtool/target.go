package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/fake"
)

// target is the ECS the tool talks to and the clock its waits use.
type target struct {
	api   ecsdeploy.API
	clock ecsdeploy.Clock
	// where names the target in the tool's first line.
	where string
}

// connect returns the in-memory fake (with cluster created) or, with -aws,
// Amazon ECS through the default AWS config chain.
func connect(ctx context.Context, o options, cluster string) (*target, error) {
	if !o.aws {
		f := fake.New()
		if cluster == "" {
			cluster = "default"
		}
		if _, err := f.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String(cluster)}); err != nil {
			return nil, err
		}
		return &target{api: f, clock: f, where: "the in-memory fake ECS (a rehearsal: it starts empty and lives for this run)"}, nil
	}
	var load []func(*config.LoadOptions) error
	if o.region != "" {
		load = append(load, config.WithRegion(o.region))
	}
	cfg, err := config.LoadDefaultConfig(ctx, load...)
	if err != nil {
		return nil, fmt.Errorf("loading the AWS configuration: %w", err)
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if cfg.Credentials == nil {
		return nil, errNoCredentials(errors.New("no credentials provider"))
	}
	if _, err := cfg.Credentials.Retrieve(cctx); err != nil {
		return nil, errNoCredentials(err)
	}
	if cfg.Region == "" {
		return nil, errors.New("no AWS region: pass -region or set AWS_REGION")
	}
	return &target{api: ecs.NewFromConfig(cfg), clock: ecsdeploy.RealClock{}, where: "Amazon ECS in " + cfg.Region}, nil
}

func errNoCredentials(cause error) error {
	return fmt.Errorf("no AWS credentials found for -aws: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or "+
		"AWS_PROFILE (run `aws sso login` for SSO profiles), or run with an IAM role; details: %v", cause)
}
