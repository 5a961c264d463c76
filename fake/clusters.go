package fake

import (
	"context"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
)

// cluster is one ECS cluster and the per-group counters placement uses.
type cluster struct {
	name, arn, region string
	status            string
	settings          []types.ClusterSetting
	instances         []*instance // registration order; forgotten INACTIVE ones leave it
	// registered counts every instance ever registered (the next one's
	// AZ round-robin position); inactive queues the remembered INACTIVE
	// instances in the order they became INACTIVE, and forgetArmed is set
	// while an event is scheduled to forget the oldest (instances_forget.go).
	registered  int
	inactive    []*instance
	forgetArmed bool
	tasks       []*task // creation order; forgotten ones are compacted lazily
	tasksArr    []*task // the whole array tasks lies in (task_alloc.go appendTaskLocked)
	dead        int     // forgotten tasks still in tasks
	// taskIndex lists tasks by desired status and family, service,
	// startedBy or instance (task_index.go).
	taskIndex map[taskIndexKey]*taskList
	// lastList is, per index kind, the list taskListLocked returned last
	// (a batch of starts files its tasks in the same lists).
	lastList [byInstance + 1]*taskList
	// spareLists are emptied task lists kept for reuse, blockPool the
	// storage of emptied blocks of its lists (task_index.go).
	spareLists []*taskList
	blockPool  taskBlockPool
	// filing holds the tasks whose filing in taskIndex waits for a
	// reader (task_index_defer.go).
	filing filingQueue
	// groupTable counts placed, not yet stopped tasks per task group, per
	// AZ (and each instance per group: group_counts.go).
	groupTable
	// ids holds the IDs of the newest tasks, not yet made strings
	// (task_ids.go).
	ids idBatch
	// Capacity providers (capacity.go): the providers associated with the
	// cluster and its default strategy.
	providers       []string
	defaultStrategy []types.CapacityProviderStrategyItem
}

var clusterNameRE = regexp.MustCompile(`^[a-zA-Z0-9_-]{1,255}$`)

// clusterLocked resolves a cluster name or ARN (nil or "" means
// "default"); only ACTIVE clusters are found, and an ARN only names a
// cluster of its own account and region (homeMatches).
func (e *ECS) clusterLocked(ref *string) (*cluster, error) {
	name := "default"
	if ref != nil && *ref != "" {
		name = *ref
		if kind, rest, ok := arnResource(name); ok {
			if kind != "cluster" {
				return nil, errClusterNotFound()
			}
			name = rest
		}
	}
	c := e.clusters[name]
	if c == nil || c.status != "ACTIVE" || (ref != nil && !homeMatches(*ref, c.arn)) {
		return nil, errClusterNotFound()
	}
	return c, nil
}

// CreateCluster creates a cluster, or returns the existing ACTIVE one of the
// same name (ECS's CreateCluster is idempotent).
func (e *ECS) CreateCluster(ctx context.Context, in *ecs.CreateClusterInput, _ ...func(*ecs.Options)) (*ecs.CreateClusterOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.CreateClusterInput{}
	}
	if _, err := e.beginLocked(ctx, "CreateCluster", in); err != nil {
		return nil, err
	}
	name := aws.ToString(in.ClusterName)
	if name == "" {
		name = "default"
	}
	if !clusterNameRE.MatchString(name) {
		return nil, errInvalidParam("Cluster name can only contain characters that are a-z, A-Z, 0-9, hyphens and underscores, and be at most 255 characters long.")
	}
	if err := validateTags(in.Tags); err != nil {
		return nil, err
	}
	if err := e.checkClusterProvidersLocked(in.CapacityProviders, in.DefaultCapacityProviderStrategy); err != nil {
		return nil, err
	}
	if c := e.clusters[name]; c != nil && c.status == "ACTIVE" {
		return &ecs.CreateClusterOutput{Cluster: e.clusterViewLocked(c)}, nil
	}
	if err := e.quotaClusterLocked(); err != nil {
		return nil, err
	}
	region := e.regionFor(ctx)
	c := &cluster{name: name, region: region, arn: e.arn(region, "cluster/"+name), status: "ACTIVE",
		settings:  append([]types.ClusterSetting(nil), in.Settings...),
		providers: slices.Clone(in.CapacityProviders), defaultStrategy: cloneStrategy(in.DefaultCapacityProviderStrategy)}
	e.clusters[name] = c
	if len(in.Tags) > 0 {
		e.tags[c.arn] = mergeTags(nil, in.Tags)
	}
	return &ecs.CreateClusterOutput{Cluster: e.clusterViewLocked(c)}, nil
}

// clusterViewLocked renders a cluster with its counters.
func (e *ECS) clusterViewLocked(c *cluster) *types.Cluster {
	var pending, running, instances int32
	for _, t := range c.tasks {
		switch t.lastStatus {
		case "RUNNING":
			running++
		case "PROVISIONING", "PENDING", "ACTIVATING":
			pending++
		}
	}
	for _, in := range c.instances {
		if in.status == "ACTIVE" || in.status == "DRAINING" {
			instances++
		}
	}
	return &types.Cluster{
		ClusterArn:                        aws.String(c.arn),
		ClusterName:                       aws.String(c.name),
		Status:                            aws.String(c.status),
		PendingTasksCount:                 pending,
		RunningTasksCount:                 running,
		RegisteredContainerInstancesCount: instances,
		Settings:                          append([]types.ClusterSetting(nil), c.settings...),
		Tags:                              copyTags(e.tags[c.arn]),
		CapacityProviders:                 append([]string{}, c.providers...),
		DefaultCapacityProviderStrategy:   append([]types.CapacityProviderStrategyItem{}, c.defaultStrategy...),
		Statistics:                        []types.KeyValuePair{},
	}
}

// DescribeClusters describes clusters by name or ARN (default: "default");
// unknown ones come back as failures with reason MISSING.
func (e *ECS) DescribeClusters(ctx context.Context, in *ecs.DescribeClustersInput, _ ...func(*ecs.Options)) (*ecs.DescribeClustersOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.DescribeClustersInput{}
	}
	if _, err := e.beginLocked(ctx, "DescribeClusters", in); err != nil {
		return nil, err
	}
	refs := in.Clusters
	if len(refs) == 0 {
		refs = []string{"default"}
	}
	if len(refs) > 100 {
		return nil, errInvalidParam("clusters can have at most 100 items.")
	}
	out := &ecs.DescribeClustersOutput{Clusters: []types.Cluster{}, Failures: []types.Failure{}}
	for _, ref := range refs {
		name := ref
		if kind, rest, ok := arnResource(ref); ok && kind == "cluster" {
			name = rest
		}
		c := e.clusters[name]
		if c == nil || !homeMatches(ref, c.arn) {
			arn := ref
			if !strings.HasPrefix(ref, "arn:") {
				arn = e.arn(e.regionFor(ctx), "cluster/"+ref)
			}
			out.Failures = append(out.Failures, types.Failure{Arn: aws.String(arn), Reason: aws.String("MISSING")})
			continue
		}
		v := e.clusterViewLocked(c)
		if !slices.Contains(in.Include, types.ClusterFieldTags) {
			v.Tags = nil // tags only when asked for, as in ECS
		}
		out.Clusters = append(out.Clusters, *v)
	}
	return out, nil
}

// ListClusters lists the ARNs of ACTIVE clusters, sorted, paginated.
func (e *ECS) ListClusters(ctx context.Context, in *ecs.ListClustersInput, _ ...func(*ecs.Options)) (*ecs.ListClustersOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.ListClustersInput{}
	}
	if _, err := e.beginLocked(ctx, "ListClusters", in); err != nil {
		return nil, err
	}
	var arns []string
	for _, c := range e.clusters {
		if c.status == "ACTIVE" {
			arns = append(arns, c.arn)
		}
	}
	sort.Strings(arns)
	pg, next, err := page(arns, in.NextToken, in.MaxResults, 100)
	if err != nil {
		return nil, err
	}
	return &ecs.ListClustersOutput{ClusterArns: append([]string{}, pg...), NextToken: next}, nil
}

// DeleteCluster deletes an empty cluster: it fails while container
// instances are registered or tasks are active. The cluster is kept as
// INACTIVE so DescribeClusters still shows it.
func (e *ECS) DeleteCluster(ctx context.Context, in *ecs.DeleteClusterInput, _ ...func(*ecs.Options)) (*ecs.DeleteClusterOutput, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if in == nil {
		in = &ecs.DeleteClusterInput{}
	}
	if _, err := e.beginLocked(ctx, "DeleteCluster", in); err != nil {
		return nil, err
	}
	if aws.ToString(in.Cluster) == "" {
		return nil, errInvalidParam("cluster: must be specified.")
	}
	c, err := e.clusterLocked(in.Cluster)
	if err != nil {
		return nil, err
	}
	for _, inst := range c.instances {
		if inst.status != "INACTIVE" {
			return nil, &types.ClusterContainsContainerInstancesException{Message: aws.String("The Cluster cannot be deleted while Container Instances are active or draining.")}
		}
	}
	if e.clusterHasServicesLocked(c) {
		return nil, &types.ClusterContainsServicesException{Message: aws.String("The Cluster cannot be deleted while Services are active.")}
	}
	for _, t := range c.tasks {
		if t.lastStatus != "STOPPED" {
			return nil, &types.ClusterContainsTasksException{Message: aws.String("The Cluster cannot be deleted while Tasks are active.")}
		}
	}
	c.status = "INACTIVE"
	return &ecs.DeleteClusterOutput{Cluster: e.clusterViewLocked(c)}, nil
}
