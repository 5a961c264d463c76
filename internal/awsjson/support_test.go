package awsjson

import (
	"context"
	"net/http/httptest"
	"reflect"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/smithy-go/middleware"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// sdkOpts compare SDK structs: unexported marker fields are empty, result metadata is ignored.
var sdkOpts = cmp.Options{
	cmp.Exporter(func(reflect.Type) bool { return true }),
	cmpopts.IgnoreTypes(middleware.Metadata{}),
}

// newClient starts h on a loopback httptest server and returns a real SDK client for it with
// static credentials, region us-east-1 and a retryer without backoff.
func newClient(t testing.TB, h any, opts ...HandlerOption) (*ecs.Client, string) {
	t.Helper()
	srv := httptest.NewServer(NewHandler(h, opts...))
	t.Cleanup(srv.Close)
	client := ecs.New(ecs.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret"}, nil
		}),
		Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		}),
	})
	return client, srv.URL
}

// recorder is a service that records the last input per operation and answers with a preset
// output or error.
type recorder struct {
	mu    sync.Mutex
	ins   map[string]any
	outs  map[string]any
	err   error
	panic string
	calls map[string]int
}

func newRecorder() *recorder {
	return &recorder{ins: map[string]any{}, outs: map[string]any{}, calls: map[string]int{}}
}

func (r *recorder) handle(op string, in any) (any, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ins[op] = in
	r.calls[op]++
	if r.panic != "" {
		panic(r.panic)
	}
	if r.err != nil {
		return nil, r.err
	}
	return r.outs[op], nil
}

func answer[O any](r *recorder, op string, in any) (*O, error) {
	out, err := r.handle(op, in)
	if err != nil {
		return nil, err
	}
	if o, ok := out.(*O); ok {
		return o, nil
	}
	return new(O), nil
}

func (r *recorder) RegisterTaskDefinition(_ context.Context, in *ecs.RegisterTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.RegisterTaskDefinitionOutput, error) {
	return answer[ecs.RegisterTaskDefinitionOutput](r, "RegisterTaskDefinition", in)
}
func (r *recorder) DescribeTaskDefinition(_ context.Context, in *ecs.DescribeTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.DescribeTaskDefinitionOutput, error) {
	return answer[ecs.DescribeTaskDefinitionOutput](r, "DescribeTaskDefinition", in)
}
func (r *recorder) DeregisterTaskDefinition(_ context.Context, in *ecs.DeregisterTaskDefinitionInput, _ ...func(*ecs.Options)) (*ecs.DeregisterTaskDefinitionOutput, error) {
	return answer[ecs.DeregisterTaskDefinitionOutput](r, "DeregisterTaskDefinition", in)
}
func (r *recorder) ListTaskDefinitions(_ context.Context, in *ecs.ListTaskDefinitionsInput, _ ...func(*ecs.Options)) (*ecs.ListTaskDefinitionsOutput, error) {
	return answer[ecs.ListTaskDefinitionsOutput](r, "ListTaskDefinitions", in)
}
func (r *recorder) RunTask(_ context.Context, in *ecs.RunTaskInput, _ ...func(*ecs.Options)) (*ecs.RunTaskOutput, error) {
	return answer[ecs.RunTaskOutput](r, "RunTask", in)
}
func (r *recorder) StopTask(_ context.Context, in *ecs.StopTaskInput, _ ...func(*ecs.Options)) (*ecs.StopTaskOutput, error) {
	return answer[ecs.StopTaskOutput](r, "StopTask", in)
}
func (r *recorder) DescribeTasks(_ context.Context, in *ecs.DescribeTasksInput, _ ...func(*ecs.Options)) (*ecs.DescribeTasksOutput, error) {
	return answer[ecs.DescribeTasksOutput](r, "DescribeTasks", in)
}
func (r *recorder) ListTasks(_ context.Context, in *ecs.ListTasksInput, _ ...func(*ecs.Options)) (*ecs.ListTasksOutput, error) {
	return answer[ecs.ListTasksOutput](r, "ListTasks", in)
}
func (r *recorder) CreateService(_ context.Context, in *ecs.CreateServiceInput, _ ...func(*ecs.Options)) (*ecs.CreateServiceOutput, error) {
	return answer[ecs.CreateServiceOutput](r, "CreateService", in)
}
func (r *recorder) UpdateService(_ context.Context, in *ecs.UpdateServiceInput, _ ...func(*ecs.Options)) (*ecs.UpdateServiceOutput, error) {
	return answer[ecs.UpdateServiceOutput](r, "UpdateService", in)
}
func (r *recorder) DescribeServices(_ context.Context, in *ecs.DescribeServicesInput, _ ...func(*ecs.Options)) (*ecs.DescribeServicesOutput, error) {
	return answer[ecs.DescribeServicesOutput](r, "DescribeServices", in)
}
func (r *recorder) DeleteService(_ context.Context, in *ecs.DeleteServiceInput, _ ...func(*ecs.Options)) (*ecs.DeleteServiceOutput, error) {
	return answer[ecs.DeleteServiceOutput](r, "DeleteService", in)
}
func (r *recorder) ListServices(_ context.Context, in *ecs.ListServicesInput, _ ...func(*ecs.Options)) (*ecs.ListServicesOutput, error) {
	return answer[ecs.ListServicesOutput](r, "ListServices", in)
}
func (r *recorder) CreateCluster(_ context.Context, in *ecs.CreateClusterInput, _ ...func(*ecs.Options)) (*ecs.CreateClusterOutput, error) {
	return answer[ecs.CreateClusterOutput](r, "CreateCluster", in)
}
func (r *recorder) DescribeClusters(_ context.Context, in *ecs.DescribeClustersInput, _ ...func(*ecs.Options)) (*ecs.DescribeClustersOutput, error) {
	return answer[ecs.DescribeClustersOutput](r, "DescribeClusters", in)
}
func (r *recorder) ListClusters(_ context.Context, in *ecs.ListClustersInput, _ ...func(*ecs.Options)) (*ecs.ListClustersOutput, error) {
	return answer[ecs.ListClustersOutput](r, "ListClusters", in)
}
func (r *recorder) RegisterContainerInstance(_ context.Context, in *ecs.RegisterContainerInstanceInput, _ ...func(*ecs.Options)) (*ecs.RegisterContainerInstanceOutput, error) {
	return answer[ecs.RegisterContainerInstanceOutput](r, "RegisterContainerInstance", in)
}
func (r *recorder) DescribeContainerInstances(_ context.Context, in *ecs.DescribeContainerInstancesInput, _ ...func(*ecs.Options)) (*ecs.DescribeContainerInstancesOutput, error) {
	return answer[ecs.DescribeContainerInstancesOutput](r, "DescribeContainerInstances", in)
}
func (r *recorder) TagResource(_ context.Context, in *ecs.TagResourceInput, _ ...func(*ecs.Options)) (*ecs.TagResourceOutput, error) {
	return answer[ecs.TagResourceOutput](r, "TagResource", in)
}

// filler sets every exported field of a value to a distinct non-zero value, up to a depth.
type filler struct {
	n        int
	maxDepth int
}

func (f *filler) next() int { f.n++; return f.n }

func (f *filler) fill(v reflect.Value, depth int) {
	if depth > f.maxDepth {
		return
	}
	t := v.Type()
	switch t.Kind() {
	case reflect.Pointer:
		nv := reflect.New(t.Elem())
		f.fill(nv.Elem(), depth+1)
		v.Set(nv)
	case reflect.String:
		v.SetString("s" + strconv.Itoa(f.next()) + "é\"\n")
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int32, reflect.Int64:
		v.SetInt(int64(f.next()))
	case reflect.Float64:
		v.SetFloat(float64(f.next()) + 0.5)
	case reflect.Slice:
		s := reflect.MakeSlice(t, 2, 2)
		for i := range 2 {
			f.fill(s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(t)
		ev := reflect.New(t.Elem()).Elem()
		f.fill(ev, depth+1)
		m.SetMapIndex(reflect.ValueOf("k"+strconv.Itoa(f.next())), ev)
		v.Set(m)
	case reflect.Interface:
		members := unionMembers[t]
		if len(members) == 0 {
			return // documents stay nil
		}
		mv := reflect.New(members[0])
		f.fill(mv.Elem().FieldByName("Value"), depth+1)
		v.Set(mv)
	case reflect.Struct:
		if t == timeType {
			v.Set(reflect.ValueOf(time.UnixMilli(1466801808595 + int64(f.next())).UTC()))
			return
		}
		for _, fi := range structInfoOf(t).fields {
			f.fill(v.Field(fi.index), depth+1)
		}
	}
}

// filled returns a *T with every field set.
func filled[T any](maxDepth int) *T {
	v := new(T)
	(&filler{maxDepth: maxDepth}).fill(reflect.ValueOf(v).Elem(), 0)
	return v
}
