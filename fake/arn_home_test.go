package fake_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs"
	lt "github.com/aws/aws-sdk-go-v2/service/cloudwatchlogs/types"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	elbv2 "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"

	"github.com/ecsdeploy/ecsdeploy/fake"
	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
	"github.com/ecsdeploy/ecsdeploy/internal/awsjson"
)

// arnSet holds the ARNs of the resources of arnFixture, as the fake hands
// them out (account 123456789012, region us-east-1).
type arnSet struct {
	hostileRefs
	task, taskDef, provider, fargate                          string
	deployment, revision, logGroup, targetGroup, loadBalancer string
}

// arnFixture is hostileFixture plus what the ARN cases of the other
// resource kinds need: capacity provider cp-a (not associated with any
// cluster), tags on cluster prod, task definition api:1 (port 80), log
// group /ecs/web (tagged) with a stream and an event, and an ELBv2 load
// balancer and target group (tagged, not attached).
func arnFixture(t *testing.T) (*fake.ECS, arnSet) {
	t.Helper()
	ctx := context.Background()
	e := hostileFixture(t)
	a := arnSet{hostileRefs: readHostileRefs(t, e)}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	asg, err := e.DeclareAutoScalingGroup(fake.AutoScalingGroupSpec{Name: "asg-a"})
	must(err)
	cp, err := e.CreateCapacityProvider(ctx, &ecs.CreateCapacityProviderInput{Name: aws.String("cp-a"),
		AutoScalingGroupProvider: &types.AutoScalingGroupProvider{AutoScalingGroupArn: aws.String(asg)}})
	must(err)
	a.provider = *cp.CapacityProvider.CapacityProviderArn
	a.fargate = "arn:aws:ecs:us-east-1:" + acct + ":capacity-provider/FARGATE"
	_, err = e.TagResource(ctx, &ecs.TagResourceInput{ResourceArn: aws.String(a.prod), Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("a")}}})
	must(err)
	sv, err := e.DescribeServices(ctx, &ecs.DescribeServicesInput{Services: []string{"web"}})
	must(err)
	s := sv.Services[0]
	a.deployment, a.revision = *s.CurrentServiceDeployment, *s.CurrentServiceRevisions[0].Arn
	ts, err := e.ListTasks(ctx, &ecs.ListTasksInput{Family: aws.String("web")})
	must(err)
	a.task = ts.TaskArns[len(ts.TaskArns)-1]
	td, err := e.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("web:1")})
	must(err)
	a.taskDef = *td.TaskDefinition.TaskDefinitionArn
	_, err = e.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("api"),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("api"), Image: aws.String("api:1"), Memory: aws.Int32(128),
			PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(80)}}}}})
	must(err)

	l := e.Logs()
	_, err = l.CreateLogGroup(ctx, &cloudwatchlogs.CreateLogGroupInput{LogGroupName: aws.String("/ecs/web"), Tags: map[string]string{"team": "a"}})
	must(err)
	_, err = l.CreateLogStream(ctx, &cloudwatchlogs.CreateLogStreamInput{LogGroupName: aws.String("/ecs/web"), LogStreamName: aws.String("s")})
	must(err)
	_, err = l.PutLogEvents(ctx, &cloudwatchlogs.PutLogEventsInput{LogGroupName: aws.String("/ecs/web"), LogStreamName: aws.String("s"),
		LogEvents: []lt.InputLogEvent{{Message: aws.String("hello"), Timestamp: aws.Int64(e.Now().UnixMilli())}}})
	must(err)
	lg, err := l.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
	must(err)
	a.logGroup = *lg.LogGroups[0].LogGroupArn

	x := e.ELBv2()
	lb, err := x.CreateLoadBalancer(ctx, &elbv2.CreateLoadBalancerInput{Name: aws.String("web-lb"), Subnets: []string{"subnet-us-east-1a", "subnet-us-east-1b"}})
	must(err)
	a.loadBalancer = *lb.LoadBalancers[0].LoadBalancerArn
	a.targetGroup = createWebTG(t, e, elbtypes.Tag{Key: aws.String("team"), Value: aws.String("a")})
	return e, a
}

// arnDump is stateDump plus what arnFixture adds: capacity providers, the
// tags of every tagged resource kind, log groups, streams, events and
// tags, load balancers, target groups and their tags.
func arnDump(t *testing.T, e *fake.ECS, a arnSet) string {
	t.Helper()
	ctx := context.Background()
	var b strings.Builder
	b.WriteString(stateDump(t, e))
	put := func(label string, v any, err error) {
		t.Helper()
		if err != nil {
			t.Fatalf("dump %s: %v", label, err)
		}
		js, err := awsjson.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintf(&b, "%s: %s\n", label, js)
	}
	cps, err := e.DescribeCapacityProviders(ctx, &ecs.DescribeCapacityProvidersInput{Include: []types.CapacityProviderField{types.CapacityProviderFieldTags}})
	put("providers", cps, err)
	for _, arn := range []string{a.cluster, a.prod, a.service, a.task, a.instance, a.taskDef, a.provider} {
		tags, err := e.ListTagsForResource(ctx, &ecs.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
		if err != nil {
			fmt.Fprintf(&b, "tags %s: %s\n", arn, errorCode(err))
			continue
		}
		put("tags "+arn, tags, nil)
	}
	l := e.Logs()
	lg, err := l.DescribeLogGroups(ctx, &cloudwatchlogs.DescribeLogGroupsInput{})
	put("log groups", lg, err)
	ls, err := l.DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupName: aws.String("/ecs/web")})
	put("log streams", ls, err)
	ev, err := l.GetLogEvents(ctx, &cloudwatchlogs.GetLogEventsInput{LogGroupName: aws.String("/ecs/web"), LogStreamName: aws.String("s")})
	put("log events", ev.Events, err)
	lgt, err := l.ListTagsForResource(ctx, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: aws.String(a.logGroup)})
	put("log group tags", lgt, err)
	x := e.ELBv2()
	lbs, err := x.DescribeLoadBalancers(ctx, &elbv2.DescribeLoadBalancersInput{})
	put("load balancers", lbs, err)
	tgs, err := x.DescribeTargetGroups(ctx, &elbv2.DescribeTargetGroupsInput{})
	put("target groups", tgs, err)
	tags, err := x.DescribeTags(ctx, &elbv2.DescribeTagsInput{ResourceArns: []string{a.targetGroup, a.loadBalancer}})
	put("elb tags", tags, err)
	return b.String()
}

// arnField replaces field i (1 partition, 3 region, 4 account) of arn.
func arnField(arn string, i int, v string) string {
	f := strings.SplitN(arn, ":", 6)
	f[i] = v
	return strings.Join(f, ":")
}

// foreignARNs are the ways an ARN can name a resource of another home:
// another account, another region, another partition.
var foreignARNs = []struct {
	name string
	to   func(string) string
}{
	{"other account", func(a string) string { return arnField(a, 4, "999999999999") }},
	{"other region", func(a string) string { return arnField(a, 3, "eu-west-1") }},
	{"other partition", func(a string) string { return arnField(a, 1, "aws-cn") }},
}

// arnCase is one request naming a resource of arnFixture by an ARN of
// another home, and what the fake must answer: the error it gives for an
// unknown resource of that kind (code and message), or, for operations
// that report unknown resources as failures, check on the output.
type arnCase struct {
	api   string // "ecs", "logs" or "elbv2"
	op    string
	arn   func(arnSet) string
	in    func(ref string) any
	code  string
	msg   string // "" when the message names ref: then msgf
	msgf  string // fmt format with one %s for ref
	check func(out any, ref string) error
}

// missing checks a Describe output with one MISSING failure for ref and
// nothing described.
func missing(reason string) func(any, string) error {
	return func(out any, ref string) error {
		v := reflect.ValueOf(out).Elem()
		fs := v.FieldByName("Failures").Interface().([]types.Failure)
		for i := range v.NumField() {
			f := v.Type().Field(i)
			if f.Name != "Failures" && f.Type.Kind() == reflect.Slice && v.Field(i).Len() > 0 {
				return fmt.Errorf("%s has %d items, want none", f.Name, v.Field(i).Len())
			}
		}
		if len(fs) != 1 || aws.ToString(fs[0].Arn) != ref || aws.ToString(fs[0].Reason) != reason {
			return fmt.Errorf("failures %+v, want one %s failure for %s", fs, reason, ref)
		}
		return nil
	}
}

func arnCases() []arnCase {
	cluster := func(a arnSet) string { return a.cluster }
	prod := func(a arnSet) string { return a.prod }
	svc := func(a arnSet) string { return a.service }
	task := func(a arnSet) string { return a.task }
	inst := func(a arnSet) string { return a.instance }
	td := func(a arnSet) string { return a.taskDef }
	cp := func(a arnSet) string { return a.provider }
	dep := func(a arnSet) string { return a.deployment }
	const (
		cnf       = "ClusterNotFoundException"
		inv       = "InvalidParameterException"
		noCluster = "Cluster not found."
		noSvc     = "Service not found."
		noRes     = "The specified resource could not be found."
		noCP      = "The specified capacity provider does not exist. Specify a valid capacity provider and try again."
		noGroup   = "The specified log group does not exist."
		noTG      = "One or more target groups not found"
	)
	tag := []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}
	return []arnCase{
		// Clusters.
		{api: "ecs", op: "DeleteCluster", arn: prod, in: func(r string) any { return &ecs.DeleteClusterInput{Cluster: &r} }, code: cnf, msg: noCluster},
		{api: "ecs", op: "DescribeClusters", arn: prod, in: func(r string) any { return &ecs.DescribeClustersInput{Clusters: []string{r}} }, check: missing("MISSING")},
		{api: "ecs", op: "ListServices", arn: cluster, in: func(r string) any { return &ecs.ListServicesInput{Cluster: &r} }, code: cnf, msg: noCluster},
		{api: "ecs", op: "PutClusterCapacityProviders", arn: cluster, in: func(r string) any {
			return &ecs.PutClusterCapacityProvidersInput{Cluster: &r, CapacityProviders: []string{"cp-a"}, DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{}}
		}, code: cnf, msg: noCluster},
		// Services.
		{api: "ecs", op: "UpdateService", arn: svc, in: func(r string) any { return &ecs.UpdateServiceInput{Service: &r, DesiredCount: aws.Int32(0)} }, code: "ServiceNotFoundException", msg: noSvc},
		{api: "ecs", op: "DeleteService", arn: svc, in: func(r string) any { return &ecs.DeleteServiceInput{Service: &r, Force: aws.Bool(true)} }, code: "ServiceNotFoundException", msg: noSvc},
		{api: "ecs", op: "DescribeServices", arn: svc, in: func(r string) any { return &ecs.DescribeServicesInput{Services: []string{r}} }, check: missing("MISSING")},
		// Tasks.
		{api: "ecs", op: "StopTask", arn: task, in: func(r string) any { return &ecs.StopTaskInput{Task: &r} }, code: inv, msg: "The referenced task was not found."},
		{api: "ecs", op: "DescribeTasks", arn: task, in: func(r string) any { return &ecs.DescribeTasksInput{Tasks: []string{r}} }, check: missing("MISSING")},
		// Task definitions.
		{api: "ecs", op: "DeregisterTaskDefinition", arn: td, in: func(r string) any { return &ecs.DeregisterTaskDefinitionInput{TaskDefinition: &r} },
			code: "ClientException", msg: "The specified task definition does not exist."},
		{api: "ecs", op: "DescribeTaskDefinition", arn: td, in: func(r string) any { return &ecs.DescribeTaskDefinitionInput{TaskDefinition: &r} },
			code: "ClientException", msg: "Unable to describe task definition."},
		{api: "ecs", op: "RunTask", arn: td, in: func(r string) any { return &ecs.RunTaskInput{TaskDefinition: &r} }, code: "ClientException", msg: "TaskDefinition not found."},
		{api: "ecs", op: "DeleteTaskDefinitions", arn: td, in: func(r string) any { return &ecs.DeleteTaskDefinitionsInput{TaskDefinitions: []string{r}} },
			check: missing("TASK_DEFINITION_NOT_FOUND")},
		// Container instances.
		{api: "ecs", op: "DeregisterContainerInstance", arn: inst, in: func(r string) any {
			return &ecs.DeregisterContainerInstanceInput{ContainerInstance: &r, Force: aws.Bool(true)}
		}, code: inv, msgf: "Container instance %s not found."},
		{api: "ecs", op: "UpdateContainerInstancesState", arn: inst, in: func(r string) any {
			return &ecs.UpdateContainerInstancesStateInput{ContainerInstances: []string{r}, Status: types.ContainerInstanceStatusDraining}
		}, check: missing("MISSING")},
		{api: "ecs", op: "DescribeContainerInstances", arn: inst, in: func(r string) any { return &ecs.DescribeContainerInstancesInput{ContainerInstances: []string{r}} },
			check: missing("MISSING")},
		{api: "ecs", op: "ListTasks", arn: inst, in: func(r string) any { return &ecs.ListTasksInput{ContainerInstance: &r} },
			code: inv, msgf: "containerInstance: Container instance %s not found."},
		// Tags (every taggable kind).
		{api: "ecs", op: "TagResource", arn: prod, in: func(r string) any { return &ecs.TagResourceInput{ResourceArn: &r, Tags: tag} }, code: "ResourceNotFoundException", msg: noRes},
		{api: "ecs", op: "UntagResource", arn: prod, in: func(r string) any { return &ecs.UntagResourceInput{ResourceArn: &r, TagKeys: []string{"team"}} }, code: "ResourceNotFoundException", msg: noRes},
		{api: "ecs", op: "TagResource", arn: task, in: func(r string) any { return &ecs.TagResourceInput{ResourceArn: &r, Tags: tag} }, code: "ResourceNotFoundException", msg: noRes},
		{api: "ecs", op: "TagResource", arn: inst, in: func(r string) any { return &ecs.TagResourceInput{ResourceArn: &r, Tags: tag} }, code: "ResourceNotFoundException", msg: noRes},
		{api: "ecs", op: "TagResource", arn: td, in: func(r string) any { return &ecs.TagResourceInput{ResourceArn: &r, Tags: tag} }, code: "ResourceNotFoundException", msg: noRes},
		{api: "ecs", op: "TagResource", arn: svc, in: func(r string) any { return &ecs.TagResourceInput{ResourceArn: &r, Tags: tag} }, code: "ResourceNotFoundException", msg: noRes},
		{api: "ecs", op: "TagResource", arn: cp, in: func(r string) any { return &ecs.TagResourceInput{ResourceArn: &r, Tags: tag} }, code: "ResourceNotFoundException", msg: noRes},
		{api: "ecs", op: "ListTagsForResource", arn: prod, in: func(r string) any { return &ecs.ListTagsForResourceInput{ResourceArn: &r} }, code: "ResourceNotFoundException", msg: noRes},
		// Service deployments and revisions: their cluster is not ours.
		{api: "ecs", op: "DescribeServiceDeployments", arn: dep, in: func(r string) any { return &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{r}} },
			code: cnf, msg: noCluster},
		{api: "ecs", op: "StopServiceDeployment", arn: dep, in: func(r string) any { return &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: &r} },
			code: "ServiceDeploymentNotFoundException", msg: "Service deployment not found."},
		{api: "ecs", op: "DescribeServiceRevisions", arn: func(a arnSet) string { return a.revision }, in: func(r string) any {
			return &ecs.DescribeServiceRevisionsInput{ServiceRevisionArns: []string{r}}
		}, code: cnf, msg: noCluster},
		// Capacity providers.
		{api: "ecs", op: "UpdateCapacityProvider", arn: cp, in: func(r string) any {
			return &ecs.UpdateCapacityProviderInput{Name: &r, AutoScalingGroupProvider: &types.AutoScalingGroupProviderUpdate{ManagedDraining: types.ManagedDrainingDisabled}}
		}, code: inv, msg: noCP},
		{api: "ecs", op: "DeleteCapacityProvider", arn: cp, in: func(r string) any { return &ecs.DeleteCapacityProviderInput{CapacityProvider: &r} }, code: inv, msg: noCP},
		{api: "ecs", op: "DescribeCapacityProviders", arn: cp, in: func(r string) any { return &ecs.DescribeCapacityProvidersInput{CapacityProviders: []string{r}} },
			check: missing("MISSING")},
		{api: "ecs", op: "DescribeCapacityProviders", arn: func(a arnSet) string { return a.fargate }, in: func(r string) any {
			return &ecs.DescribeCapacityProvidersInput{CapacityProviders: []string{r}}
		}, check: missing("MISSING")},
		// CloudWatch Logs.
		{api: "logs", op: "GetLogEvents", arn: func(a arnSet) string { return a.logGroup }, in: func(r string) any {
			return &cloudwatchlogs.GetLogEventsInput{LogGroupIdentifier: &r, LogStreamName: aws.String("s")}
		}, code: "ResourceNotFoundException", msg: noGroup},
		{api: "logs", op: "DescribeLogStreams", arn: func(a arnSet) string { return a.logGroup }, in: func(r string) any {
			return &cloudwatchlogs.DescribeLogStreamsInput{LogGroupIdentifier: &r}
		}, code: "ResourceNotFoundException", msg: noGroup},
		{api: "logs", op: "TagResource", arn: func(a arnSet) string { return a.logGroup }, in: func(r string) any {
			return &cloudwatchlogs.TagResourceInput{ResourceArn: &r, Tags: map[string]string{"k": "v"}}
		}, code: "ResourceNotFoundException", msg: noGroup},
		{api: "logs", op: "ListTagsForResource", arn: func(a arnSet) string { return a.logGroup }, in: func(r string) any {
			return &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: &r}
		}, code: "ResourceNotFoundException", msg: noGroup},
		// ELBv2 (resources are keyed by their whole ARN). Deleting a
		// target group that does not exist succeeds, as for any unknown
		// ARN, and deletes nothing.
		{api: "elbv2", op: "DeleteTargetGroup", arn: func(a arnSet) string { return a.targetGroup }, in: func(r string) any {
			return &elbv2.DeleteTargetGroupInput{TargetGroupArn: &r}
		}},
		{api: "elbv2", op: "DescribeTargetGroups", arn: func(a arnSet) string { return a.targetGroup }, in: func(r string) any {
			return &elbv2.DescribeTargetGroupsInput{TargetGroupArns: []string{r}}
		}, code: "TargetGroupNotFound", msg: noTG},
		{api: "elbv2", op: "RemoveTags", arn: func(a arnSet) string { return a.targetGroup }, in: func(r string) any {
			return &elbv2.RemoveTagsInput{ResourceArns: []string{r}, TagKeys: []string{"team"}}
		}, code: "TargetGroupNotFound", msg: noTG},
		{api: "ecs", op: "CreateService", arn: func(a arnSet) string { return a.targetGroup }, in: func(r string) any {
			return &ecs.CreateServiceInput{ServiceName: aws.String("api"), TaskDefinition: aws.String("api:1"), DesiredCount: aws.Int32(1),
				LoadBalancers: []types.LoadBalancer{{TargetGroupArn: &r, ContainerName: aws.String("api"), ContainerPort: aws.Int32(80)}}}
		}, code: inv, msg: "Unable to assume role and validate the specified targetGroupArn. Please verify that the ECS service role being passed has the proper permissions."},
		{api: "elbv2", op: "DescribeLoadBalancers", arn: func(a arnSet) string { return a.loadBalancer }, in: func(r string) any {
			return &elbv2.DescribeLoadBalancersInput{LoadBalancerArns: []string{r}}
		}, code: "LoadBalancerNotFound", msg: "One or more load balancers not found"},
	}
}

// arnClients are the three APIs, in process or over HTTP.
type arnClients map[string]reflect.Value

// TestForeignARNsNameNothingInProcessAndOverHTTP sends every arnCase, with
// the ARN moved to another account, region and partition, to the fake in
// process and through the Go SDK over HTTP: each answers the error (or
// failure) of an unknown resource of its kind, and nothing observable
// changes.
func TestForeignARNsNameNothingInProcessAndOverHTTP(t *testing.T) {
	base, a := arnFixture(t)
	want := arnDump(t, base, a)
	ctx := context.Background()
	transports := []struct {
		name    string
		clients func(*fake.ECS) arnClients
	}{
		{"in process", func(e *fake.ECS) arnClients {
			return arnClients{"ecs": reflect.ValueOf(e), "logs": reflect.ValueOf(e.Logs()), "elbv2": reflect.ValueOf(e.ELBv2())}
		}},
		{"http", func(e *fake.ECS) arnClients {
			srv := faketest.NewServerFor(t, e)
			return arnClients{"ecs": reflect.ValueOf(srv.Client), "logs": reflect.ValueOf(srv.LogsClient), "elbv2": reflect.ValueOf(srv.NewELBv2Client())}
		}},
	}
	for _, tr := range transports {
		for _, tc := range arnCases() {
			for _, f := range foreignARNs {
				ref := f.to(tc.arn(a))
				t.Run(tr.name+"/"+tc.api+"."+tc.op+"/"+f.name, func(t *testing.T) {
					e, _ := arnFixture(t)
					out, err := callOp(ctx, tr.clients(e)[tc.api], tc.op, tc.in(ref))
					msg := tc.msg
					if tc.msgf != "" {
						msg = fmt.Sprintf(tc.msgf, ref)
					}
					switch {
					case tc.check != nil:
						if err != nil {
							t.Fatalf("%s(%s): %v, want success with a failure", tc.op, ref, err)
						}
						if err := tc.check(out, ref); err != nil {
							t.Errorf("%s(%s): %v", tc.op, ref, err)
						}
					case errorCode(err) != tc.code || errorMessage(err) != msg:
						t.Errorf("%s(%s): error %q %q, want %s %q", tc.op, ref, errorCode(err), errorMessage(err), tc.code, msg)
					}
					if got := arnDump(t, e, a); got != want {
						t.Fatalf("state changed:\n%s", firstDiff(want, got))
					}
				})
			}
		}
	}
}

// TestOwnARNsOfArnCasesResolve is the control of the test above: the
// fixture's own ARNs name its resources, so the foreign variants differ
// from a working request only in their account, region or partition.
func TestOwnARNsOfArnCasesResolve(t *testing.T) {
	ctx := context.Background()
	e, a := arnFixture(t)
	cl, err := e.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: []string{a.cluster, a.prod}})
	if err != nil || len(cl.Clusters) != 2 {
		t.Fatalf("DescribeClusters own ARNs: %v %+v", err, cl)
	}
	if _, err := e.ListServices(ctx, &ecs.ListServicesInput{Cluster: &a.cluster}); err != nil {
		t.Fatal(err)
	}
	sv, err := e.DescribeServices(ctx, &ecs.DescribeServicesInput{Services: []string{a.service}})
	if err != nil || len(sv.Services) != 1 {
		t.Fatalf("DescribeServices own ARN: %v %+v", err, sv)
	}
	ts, err := e.DescribeTasks(ctx, &ecs.DescribeTasksInput{Tasks: []string{a.task}})
	if err != nil || len(ts.Tasks) != 1 {
		t.Fatalf("DescribeTasks own ARN: %v %+v", err, ts)
	}
	if _, err := e.DescribeTaskDefinition(ctx, &ecs.DescribeTaskDefinitionInput{TaskDefinition: &a.taskDef}); err != nil {
		t.Fatal(err)
	}
	ci, err := e.DescribeContainerInstances(ctx, &ecs.DescribeContainerInstancesInput{ContainerInstances: []string{a.instance}})
	if err != nil || len(ci.ContainerInstances) != 1 {
		t.Fatalf("DescribeContainerInstances own ARN: %v %+v", err, ci)
	}
	cps, err := e.DescribeCapacityProviders(ctx, &ecs.DescribeCapacityProvidersInput{CapacityProviders: []string{a.provider, a.fargate}})
	if err != nil || len(cps.CapacityProviders) != 2 {
		t.Fatalf("DescribeCapacityProviders own ARNs: %v %+v", err, cps)
	}
	for _, arn := range []string{a.prod, a.service, a.task, a.instance, a.taskDef, a.provider} {
		if _, err := e.ListTagsForResource(ctx, &ecs.ListTagsForResourceInput{ResourceArn: aws.String(arn)}); err != nil {
			t.Errorf("ListTagsForResource(%s): %v", arn, err)
		}
	}
	sd, err := e.DescribeServiceDeployments(ctx, &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{a.deployment}})
	if err != nil || len(sd.ServiceDeployments) != 1 {
		t.Fatalf("DescribeServiceDeployments own ARN: %v %+v", err, sd)
	}
	sr, err := e.DescribeServiceRevisions(ctx, &ecs.DescribeServiceRevisionsInput{ServiceRevisionArns: []string{a.revision}})
	if err != nil || len(sr.ServiceRevisions) != 1 {
		t.Fatalf("DescribeServiceRevisions own ARN: %v %+v", err, sr)
	}
	if _, err := e.Logs().DescribeLogStreams(ctx, &cloudwatchlogs.DescribeLogStreamsInput{LogGroupIdentifier: &a.logGroup}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.Logs().ListTagsForResource(ctx, &cloudwatchlogs.ListTagsForResourceInput{ResourceArn: &a.logGroup}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.ELBv2().DescribeTargetGroups(ctx, &elbv2.DescribeTargetGroupsInput{TargetGroupArns: []string{a.targetGroup}}); err != nil {
		t.Fatal(err)
	}
	// The fixture's target group is found, and refused for having no load
	// balancer (not for being unknown).
	_, err = e.CreateService(ctx, &ecs.CreateServiceInput{ServiceName: aws.String("api"), TaskDefinition: aws.String("api:1"), DesiredCount: aws.Int32(1),
		LoadBalancers: []types.LoadBalancer{{TargetGroupArn: &a.targetGroup, ContainerName: aws.String("api"), ContainerPort: aws.Int32(80)}}})
	if want := "The target group with targetGroupArn " + a.targetGroup + " does not have an associated load balancer."; errorMessage(err) != want {
		t.Errorf("CreateService with the fixture's target group: %v, want %q", err, want)
	}
}

// TestARNRegionIsTheResourcesRegion: a cluster created by a request in
// eu-west-1 lives there. Its eu-west-1 ARN names it, from a client of any
// region (the fake keeps one store for every region and finds names from
// any of them); its us-east-1 ARN names a cluster the fake does not have.
func TestARNRegionIsTheResourcesRegion(t *testing.T) {
	srv := faketest.NewServerFor(t, fake.New(fake.WithSeed(1)))
	west := srv.NewClient(func(o *ecs.Options) { o.Region = "eu-west-1" })
	ctx := t.Context()
	out, err := west.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("w")})
	if err != nil {
		t.Fatal(err)
	}
	arn := *out.Cluster.ClusterArn
	if want := "arn:aws:ecs:eu-west-1:" + acct + ":cluster/w"; arn != want {
		t.Fatalf("ClusterArn %s, want %s", arn, want)
	}
	east := arnField(arn, 3, "us-east-1")
	for _, c := range []*ecs.Client{west, srv.Client} {
		d, err := c.DescribeClusters(ctx, &ecs.DescribeClustersInput{Clusters: []string{arn, east}})
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Clusters) != 1 || *d.Clusters[0].ClusterArn != arn || len(d.Failures) != 1 || *d.Failures[0].Arn != east || *d.Failures[0].Reason != "MISSING" {
			t.Errorf("DescribeClusters(%s, %s): clusters %+v failures %+v, want the first found and the second MISSING", arn, east, d.Clusters, d.Failures)
		}
		_, err = c.DeleteCluster(ctx, &ecs.DeleteClusterInput{Cluster: &east})
		if errorCode(err) != "ClusterNotFoundException" {
			t.Errorf("DeleteCluster(%s): %v, want ClusterNotFoundException", east, err)
		}
	}
	if _, err := west.DeleteCluster(ctx, &ecs.DeleteClusterInput{Cluster: &arn}); err != nil {
		t.Errorf("DeleteCluster(%s): %v", arn, err)
	}
}

// TestServiceARNIsItsClustersRegion: a service lives in its cluster's
// region, whichever region the CreateService request came from, so its ARN
// carries the cluster's region (as its tasks' ARNs do) and that ARN names
// it from a client of any region.
func TestServiceARNIsItsClustersRegion(t *testing.T) {
	srv := faketest.NewServerFor(t, fake.New(fake.WithSeed(1)))
	west := srv.NewClient(func(o *ecs.Options) { o.Region = "eu-west-1" })
	ctx := t.Context()
	if _, err := west.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("w")}); err != nil {
		t.Fatal(err)
	}
	if _, err := west.RegisterTaskDefinition(ctx, &ecs.RegisterTaskDefinitionInput{Family: aws.String("api"),
		ContainerDefinitions: []types.ContainerDefinition{{Name: aws.String("app"), Image: aws.String("nginx"), Memory: aws.Int32(64)}}}); err != nil {
		t.Fatal(err)
	}
	out, err := srv.Client.CreateService(ctx, &ecs.CreateServiceInput{Cluster: aws.String("w"), ServiceName: aws.String("api"),
		TaskDefinition: aws.String("api"), DesiredCount: aws.Int32(0)})
	if err != nil {
		t.Fatal(err)
	}
	arn := aws.ToString(out.Service.ServiceArn)
	if want := "arn:aws:ecs:eu-west-1:" + acct + ":service/w/api"; arn != want {
		t.Fatalf("ServiceArn %s, want %s (the cluster's region)", arn, want)
	}
	for _, c := range []*ecs.Client{west, srv.Client} {
		d, err := c.DescribeServices(ctx, &ecs.DescribeServicesInput{Cluster: aws.String("w"), Services: []string{arn}})
		if err != nil {
			t.Fatal(err)
		}
		if len(d.Services) != 1 || len(d.Failures) != 0 {
			t.Errorf("DescribeServices(%s): services %d failures %+v, want the service", arn, len(d.Services), d.Failures)
		}
	}
}
