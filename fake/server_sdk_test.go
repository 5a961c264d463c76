package fake_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"
	"github.com/google/go-cmp/cmp"

	"github.com/ecsdeploy/ecsdeploy/fake"
	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

// step is one API call (or, when op is "", a clock advance) of a script
// played on two identical fakes: one in process, one through the SDK
// client over HTTP.
type step struct {
	op      string
	in      func(r results) any // a fresh input; r holds earlier in-process outputs by label
	label   string              // stores the output under this label
	advance time.Duration
	wantErr string // expected error code, "" for success
	// inspect, when set, runs on both fakes in process (a scripting call
	// such as DeclareAutoScalingGroup); its in-process result is stored
	// under label.
	inspect func(e *fake.ECS) any
}

// results are earlier outputs of the in-process fake, by step label.
type results map[string]any

func (r results) taskArn(label string) string {
	return aws.ToString(r[label].(*ecs.RunTaskOutput).Tasks[0].TaskArn)
}

func (r results) instanceArn(label string) string {
	return aws.ToString(r[label].(*ecs.RegisterContainerInstanceOutput).ContainerInstance.ContainerInstanceArn)
}

// sdkScript exercises every operation of the core fake, successes and
// typed errors.
func sdkScript() []step {
	td := func(family, image string) *ecs.RegisterTaskDefinitionInput {
		return &ecs.RegisterTaskDefinitionInput{
			Family: aws.String(family),
			ContainerDefinitions: []types.ContainerDefinition{{
				Name: aws.String("web"), Image: aws.String(image), Memory: aws.Int32(256), Cpu: 128,
				PortMappings: []types.PortMapping{{ContainerPort: aws.Int32(80)}},
				Environment:  []types.KeyValuePair{{Name: aws.String("MODE"), Value: aws.String("prod")}},
				HealthCheck:  &types.HealthCheck{Command: []string{"CMD-SHELL", "true"}, Interval: aws.Int32(10)},
			}},
			Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("web")}},
		}
	}
	cluster := aws.String("default")
	return []step{
		{op: "ListClusters", in: func(results) any { return &ecs.ListClustersInput{} }},
		{op: "DescribeClusters", in: func(results) any { return &ecs.DescribeClustersInput{Clusters: []string{"nope"}} }},
		{op: "RunTask", in: func(results) any { return &ecs.RunTaskInput{TaskDefinition: aws.String("web")} }, wantErr: "ClusterNotFoundException"},
		{op: "CreateCluster", in: func(results) any {
			return &ecs.CreateClusterInput{ClusterName: cluster, Settings: []types.ClusterSetting{{Name: types.ClusterSettingNameContainerInsights, Value: aws.String("enabled")}}}
		}},
		{op: "CreateCluster", in: func(results) any { return &ecs.CreateClusterInput{ClusterName: aws.String("spare")} }},
		{op: "PutClusterCapacityProviders", in: func(results) any {
			return &ecs.PutClusterCapacityProvidersInput{Cluster: aws.String("spare"), CapacityProviders: []string{"FARGATE", "FARGATE_SPOT"},
				DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("FARGATE"), Base: 1, Weight: 1},
					{CapacityProvider: aws.String("FARGATE_SPOT"), Weight: 3}}}
		}},
		{op: "PutClusterCapacityProviders", wantErr: "InvalidParameterException", in: func(results) any {
			return &ecs.PutClusterCapacityProvidersInput{Cluster: aws.String("spare"), CapacityProviders: []string{"FARGATE"},
				DefaultCapacityProviderStrategy: []types.CapacityProviderStrategyItem{{CapacityProvider: aws.String("FARGATE_SPOT"), Weight: 1}}}
		}},
		{op: "DescribeCapacityProviders", in: func(results) any {
			return &ecs.DescribeCapacityProvidersInput{CapacityProviders: []string{"FARGATE", "FARGATE_SPOT", "my-asg"}}
		}},
		{label: "asg", inspect: func(e *fake.ECS) any {
			arn, err := e.DeclareAutoScalingGroup(fake.AutoScalingGroupSpec{Name: "web-asg", Cluster: "spare"})
			if err != nil {
				panic(err)
			}
			return arn
		}},
		{op: "CreateCapacityProvider", in: func(r results) any {
			return &ecs.CreateCapacityProviderInput{Name: aws.String("web-cp"), AutoScalingGroupProvider: &types.AutoScalingGroupProvider{
				AutoScalingGroupArn: aws.String(r["asg"].(string)), ManagedScaling: &types.ManagedScaling{Status: types.ManagedScalingStatusEnabled, TargetCapacity: aws.Int32(90)}}}
		}},
		{op: "CreateCapacityProvider", wantErr: "InvalidParameterException", in: func(r results) any {
			return &ecs.CreateCapacityProviderInput{Name: aws.String("ecs-nope"), AutoScalingGroupProvider: &types.AutoScalingGroupProvider{AutoScalingGroupArn: aws.String(r["asg"].(string))}}
		}},
		{op: "UpdateCapacityProvider", in: func(results) any {
			return &ecs.UpdateCapacityProviderInput{Name: aws.String("web-cp"), AutoScalingGroupProvider: &types.AutoScalingGroupProviderUpdate{
				ManagedScaling: &types.ManagedScaling{TargetCapacity: aws.Int32(80)}, ManagedTerminationProtection: types.ManagedTerminationProtectionEnabled}}
		}},
		{op: "DescribeCapacityProviders", in: func(results) any { return &ecs.DescribeCapacityProvidersInput{} }},
		{op: "DeleteCapacityProvider", in: func(results) any { return &ecs.DeleteCapacityProviderInput{CapacityProvider: aws.String("web-cp")} }},
		{op: "DeleteCapacityProvider", wantErr: "InvalidParameterException", in: func(results) any {
			return &ecs.DeleteCapacityProviderInput{CapacityProvider: aws.String("FARGATE")}
		}},
		{op: "RegisterContainerInstance", label: "i1", in: func(results) any {
			return &ecs.RegisterContainerInstanceInput{Cluster: cluster,
				TotalResources: []types.Resource{{Name: aws.String("CPU"), Type: aws.String("INTEGER"), IntegerValue: 2048},
					{Name: aws.String("MEMORY"), Type: aws.String("INTEGER"), IntegerValue: 4096}},
				Attributes: []types.Attribute{{Name: aws.String("ecs.availability-zone"), Value: aws.String("us-east-1b")},
					{Name: aws.String("stack"), Value: aws.String("blue")}}}
		}},
		{op: "RegisterContainerInstance", label: "i2", in: func(results) any {
			return &ecs.RegisterContainerInstanceInput{Cluster: cluster,
				TotalResources: []types.Resource{{Name: aws.String("CPU"), Type: aws.String("INTEGER"), IntegerValue: 1024},
					{Name: aws.String("MEMORY"), Type: aws.String("INTEGER"), IntegerValue: 2048}}}
		}},
		{op: "RegisterTaskDefinition", in: func(results) any { return td("web", "nginx:1.27") }},
		{op: "RegisterTaskDefinition", in: func(results) any { return td("web", "nginx:1.28") }},
		{op: "RegisterTaskDefinition", in: func(results) any {
			in := td("web", "")
			in.ContainerDefinitions[0].Image = nil
			return in
		}, wantErr: "ClientException"},
		{op: "DescribeTaskDefinition", in: func(results) any {
			return &ecs.DescribeTaskDefinitionInput{TaskDefinition: aws.String("web:1"), Include: []types.TaskDefinitionField{types.TaskDefinitionFieldTags}}
		}},
		{op: "ListTaskDefinitions", in: func(results) any { return &ecs.ListTaskDefinitionsInput{FamilyPrefix: aws.String("web")} }},
		{op: "ListTaskDefinitionFamilies", in: func(results) any { return &ecs.ListTaskDefinitionFamiliesInput{} }},
		{op: "RunTask", label: "run", in: func(results) any {
			return &ecs.RunTaskInput{Cluster: cluster, TaskDefinition: aws.String("web:2"), Count: aws.Int32(2),
				StartedBy: aws.String("script"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}}
		}},
		{op: "RunTask", in: func(results) any {
			return &ecs.RunTaskInput{Cluster: cluster, TaskDefinition: aws.String("web:2"), Count: aws.Int32(11)}
		}, wantErr: "InvalidParameterException"},
		{op: "StartTask", label: "start", in: func(r results) any {
			return &ecs.StartTaskInput{Cluster: cluster, TaskDefinition: aws.String("web:1"), ContainerInstances: []string{r.instanceArn("i2")}}
		}},
		{advance: 90 * time.Second},
		{op: "DescribeTasks", in: func(r results) any {
			return &ecs.DescribeTasksInput{Cluster: cluster, Tasks: []string{r.taskArn("run"), "0123456789abcdef0123456789abcdef"},
				Include: []types.TaskField{types.TaskFieldTags}}
		}},
		{op: "ListTasks", in: func(results) any {
			return &ecs.ListTasksInput{Cluster: cluster, DesiredStatus: types.DesiredStatusRunning}
		}},
		{op: "StopTask", in: func(r results) any {
			return &ecs.StopTaskInput{Cluster: cluster, Task: aws.String(r.taskArn("run")), Reason: aws.String("done")}
		}},
		{advance: time.Minute},
		{op: "DescribeTasks", in: func(r results) any {
			return &ecs.DescribeTasksInput{Cluster: cluster, Tasks: []string{r.taskArn("run"), aws.ToString(r["start"].(*ecs.StartTaskOutput).Tasks[0].TaskArn)}}
		}},
		{op: "CreateService", in: func(results) any {
			return &ecs.CreateServiceInput{Cluster: cluster, ServiceName: aws.String("svc"), TaskDefinition: aws.String("web:2"),
				DesiredCount: aws.Int32(2), LaunchType: types.LaunchTypeEc2,
				DeploymentConfiguration: &types.DeploymentConfiguration{MinimumHealthyPercent: aws.Int32(50), MaximumPercent: aws.Int32(200),
					DeploymentCircuitBreaker: &types.DeploymentCircuitBreaker{Enable: true, Rollback: true}}}
		}},
		{op: "CreateService", in: func(results) any {
			return &ecs.CreateServiceInput{Cluster: aws.String("nope"), ServiceName: aws.String("svc"), TaskDefinition: aws.String("web:2")}
		}, wantErr: "ClusterNotFoundException"},
		{advance: 3 * time.Minute},
		{op: "UpdateService", in: func(results) any {
			return &ecs.UpdateServiceInput{Cluster: cluster, Service: aws.String("svc"), TaskDefinition: aws.String("web:1")}
		}},
		{advance: 20 * time.Second},
		{op: "DescribeServices", in: func(results) any {
			return &ecs.DescribeServicesInput{Cluster: cluster, Services: []string{"svc", "missing"}, Include: []types.ServiceField{types.ServiceFieldTags}}
		}},
		{op: "ListServiceDeployments", label: "sds", in: func(results) any {
			return &ecs.ListServiceDeploymentsInput{Cluster: cluster, Service: aws.String("svc"), MaxResults: aws.Int32(5)}
		}},
		{op: "ListServiceDeployments", in: func(results) any { return &ecs.ListServiceDeploymentsInput{Service: aws.String("missing")} }, wantErr: "ServiceNotFoundException"},
		{op: "DescribeServiceDeployments", in: func(r results) any {
			sds := r["sds"].(*ecs.ListServiceDeploymentsOutput).ServiceDeployments
			return &ecs.DescribeServiceDeploymentsInput{ServiceDeploymentArns: []string{aws.ToString(sds[0].ServiceDeploymentArn),
				aws.ToString(sds[1].ServiceDeploymentArn), "arn:aws:ecs:us-east-1:123456789012:service-deployment/default/svc/nope"}}
		}},
		{op: "DescribeServiceRevisions", in: func(r results) any {
			sds := r["sds"].(*ecs.ListServiceDeploymentsOutput).ServiceDeployments
			return &ecs.DescribeServiceRevisionsInput{ServiceRevisionArns: []string{aws.ToString(sds[0].TargetServiceRevisionArn), aws.ToString(sds[1].TargetServiceRevisionArn)}}
		}},
		{op: "StopServiceDeployment", in: func(r results) any {
			sds := r["sds"].(*ecs.ListServiceDeploymentsOutput).ServiceDeployments
			return &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: sds[1].ServiceDeploymentArn, StopType: types.StopServiceDeploymentStopTypeRollback}
		}, wantErr: "ConflictException"},
		{op: "StopServiceDeployment", in: func(r results) any {
			sds := r["sds"].(*ecs.ListServiceDeploymentsOutput).ServiceDeployments
			return &ecs.StopServiceDeploymentInput{ServiceDeploymentArn: sds[0].ServiceDeploymentArn, StopType: types.StopServiceDeploymentStopTypeRollback}
		}},
		{advance: 5 * time.Minute},
		{op: "DescribeServices", in: func(results) any { return &ecs.DescribeServicesInput{Cluster: cluster, Services: []string{"svc"}} }},
		{op: "ListServices", in: func(results) any { return &ecs.ListServicesInput{Cluster: cluster} }},
		{op: "DeleteService", in: func(results) any { return &ecs.DeleteServiceInput{Cluster: cluster, Service: aws.String("svc")} }, wantErr: "InvalidParameterException"},
		{op: "DeleteService", in: func(results) any {
			return &ecs.DeleteServiceInput{Cluster: cluster, Service: aws.String("svc"), Force: aws.Bool(true)}
		}},
		{op: "UpdateService", in: func(results) any {
			return &ecs.UpdateServiceInput{Cluster: cluster, Service: aws.String("svc"), DesiredCount: aws.Int32(1)}
		}, wantErr: "ServiceNotActiveException"},
		{op: "DescribeContainerInstances", in: func(r results) any {
			return &ecs.DescribeContainerInstancesInput{Cluster: cluster, ContainerInstances: []string{r.instanceArn("i1"), r.instanceArn("i2")}}
		}},
		{op: "ListContainerInstances", in: func(results) any {
			return &ecs.ListContainerInstancesInput{Cluster: cluster, Filter: aws.String("attribute:stack == blue")}
		}},
		{op: "PutAttributes", in: func(r results) any {
			return &ecs.PutAttributesInput{Cluster: cluster, Attributes: []types.Attribute{
				{Name: aws.String("rack"), Value: aws.String("r1"), TargetId: aws.String(r.instanceArn("i2"))},
				{Name: aws.String("gpu"), TargetId: aws.String(r.instanceArn("i2"))}}}
		}},
		{op: "PutAttributes", in: func(results) any {
			return &ecs.PutAttributesInput{Cluster: cluster, Attributes: []types.Attribute{
				{Name: aws.String("rack"), Value: aws.String("r1"), TargetId: aws.String("0123"), TargetType: types.TargetTypeContainerInstance}}}
		}, wantErr: "TargetNotFoundException"},
		{op: "ListAttributes", in: func(results) any {
			return &ecs.ListAttributesInput{Cluster: cluster, TargetType: types.TargetTypeContainerInstance, AttributeName: aws.String("rack")}
		}},
		{op: "DeleteAttributes", in: func(r results) any {
			return &ecs.DeleteAttributesInput{Cluster: cluster, Attributes: []types.Attribute{{Name: aws.String("gpu"), TargetId: aws.String(r.instanceArn("i2"))}}}
		}},
		{op: "UpdateContainerInstancesState", in: func(r results) any {
			return &ecs.UpdateContainerInstancesStateInput{Cluster: cluster, ContainerInstances: []string{r.instanceArn("i1")}, Status: types.ContainerInstanceStatusDraining}
		}},
		{advance: time.Minute},
		{op: "DeregisterContainerInstance", in: func(r results) any {
			return &ecs.DeregisterContainerInstanceInput{Cluster: cluster, ContainerInstance: aws.String(r.instanceArn("i1")), Force: aws.Bool(true)}
		}},
		{op: "TagResource", in: func(results) any {
			return &ecs.TagResourceInput{ResourceArn: aws.String("arn:aws:ecs:us-east-1:123456789012:cluster/spare"),
				Tags: []types.Tag{{Key: aws.String("env"), Value: aws.String("test")}, {Key: aws.String("x"), Value: aws.String("y")}}}
		}},
		{op: "UntagResource", in: func(results) any {
			return &ecs.UntagResourceInput{ResourceArn: aws.String("arn:aws:ecs:us-east-1:123456789012:cluster/spare"), TagKeys: []string{"x"}}
		}},
		{op: "ListTagsForResource", in: func(results) any {
			return &ecs.ListTagsForResourceInput{ResourceArn: aws.String("arn:aws:ecs:us-east-1:123456789012:cluster/spare")}
		}},
		{op: "DeregisterTaskDefinition", in: func(results) any { return &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String("web:1")} }},
		{op: "DeregisterTaskDefinition", in: func(results) any { return &ecs.DeregisterTaskDefinitionInput{TaskDefinition: aws.String("web")} }, wantErr: "InvalidParameterException"},
		{op: "DeleteTaskDefinitions", in: func(results) any { return &ecs.DeleteTaskDefinitionsInput{TaskDefinitions: []string{"web:1", "web:2"}} }},
		{op: "DeleteCluster", in: func(results) any { return &ecs.DeleteClusterInput{Cluster: aws.String("spare")} }},
		{op: "DescribeClusters", in: func(results) any {
			return &ecs.DescribeClustersInput{Clusters: []string{"default", "spare"}, Include: []types.ClusterField{types.ClusterFieldSettings, types.ClusterFieldStatistics}}
		}},
	}
}

// ignoreResultMetadata skips the SDK's per-response metadata (request ID,
// attempts), which only the HTTP client fills in.
var ignoreResultMetadata = cmp.FilterPath(func(p cmp.Path) bool {
	sf, ok := p.Last().(cmp.StructField)
	return ok && sf.Name() == "ResultMetadata"
}, cmp.Ignore())

// TestServerEveryOperationMatchesInProcess plays one script on two fakes
// with the same seed, one in process and one through the SDK's own
// serializers and deserializers over HTTP, and requires identical outputs
// and error codes/messages, for every operation the server serves.
func TestServerEveryOperationMatchesInProcess(t *testing.T) {
	ctx := context.Background()
	direct := fake.New()
	srv := faketest.NewServer(t)
	client := reflect.ValueOf(srv.Client)
	r := results{}
	covered := map[string]bool{}
	for i, s := range sdkScript() {
		if s.inspect != nil {
			r[s.label] = s.inspect(direct)
			s.inspect(srv.ECS)
			continue
		}
		if s.op == "" {
			direct.Advance(s.advance)
			srv.ECS.Advance(s.advance)
			continue
		}
		covered[s.op] = true
		wantOut, wantErr := callOp(ctx, reflect.ValueOf(direct), s.op, s.in(r))
		gotOut, gotErr := callOp(ctx, client, s.op, s.in(r))
		if s.label != "" {
			r[s.label] = wantOut
		}
		if code := errorCode(wantErr); code != s.wantErr {
			t.Fatalf("step %d %s in process: error %v, want code %q", i, s.op, wantErr, s.wantErr)
		}
		if errorCode(gotErr) != errorCode(wantErr) || errorMessage(gotErr) != errorMessage(wantErr) {
			t.Fatalf("step %d %s over HTTP: error %v, in process %v", i, s.op, gotErr, wantErr)
		}
		if wantErr != nil {
			continue
		}
		if diff := cmp.Diff(wantOut, gotOut, ignoreResultMetadata, cmp.Exporter(func(reflect.Type) bool { return true })); diff != "" {
			t.Errorf("step %d %s: output over HTTP differs from in process (-in process +HTTP):\n%s", i, s.op, diff)
		}
	}
	for _, op := range srv.Handler.Operations() {
		if !covered[op] {
			t.Errorf("operation %s is served but not exercised by sdkScript", op)
		}
	}
}

// TestServerServesEveryOperationOfECS checks that the server answers each
// operation *fake.ECS implements and that each is an *ecs.Client method.
func TestServerServesEveryOperationOfECS(t *testing.T) {
	srv := faketest.NewServer(t)
	ops := srv.Handler.Operations()
	for _, want := range []string{"CreateCluster", "RegisterTaskDefinition", "RunTask", "DescribeTasks", "StopTask", "ListTasks"} {
		if !slices.Contains(ops, want) {
			t.Errorf("Operations() lacks %s: %v", want, ops)
		}
	}
	ct := reflect.TypeFor[*ecs.Client]()
	for _, op := range ops {
		if _, ok := ct.MethodByName(op); !ok {
			t.Errorf("served operation %s is not an *ecs.Client method", op)
		}
	}
}

func callOp(ctx context.Context, recv reflect.Value, op string, in any) (any, error) {
	m := recv.MethodByName(op)
	if !m.IsValid() {
		return nil, errors.New(op + ": no such method")
	}
	res := m.Call([]reflect.Value{reflect.ValueOf(ctx), reflect.ValueOf(in)})
	err, _ := res[1].Interface().(error)
	return res[0].Interface(), err
}

func errorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	if err != nil {
		return "non-API error: " + err.Error()
	}
	return ""
}

func errorMessage(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorMessage()
	}
	return ""
}
