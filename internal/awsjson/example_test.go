package awsjson_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/ecsdeploy/ecsdeploy/internal/awsjson"
)

// clusters is a tiny ECS with one operation; it names clusters after the caller's region.
type clusters struct{}

type regionKey struct{}

func (clusters) ListClusters(ctx context.Context, _ *ecs.ListClustersInput, _ ...func(*ecs.Options)) (*ecs.ListClustersOutput, error) {
	region, _ := ctx.Value(regionKey{}).(string)
	return &ecs.ListClustersOutput{ClusterArns: []string{"arn:aws:ecs:" + region + ":123456789012:cluster/default"}}, nil
}

func ExampleNewHandler() {
	h := awsjson.NewHandler(clusters{}, awsjson.WithContext(func(ctx context.Context, region string) context.Context {
		return context.WithValue(ctx, regionKey{}, region)
	}))
	srv := httptest.NewServer(h)
	defer srv.Close()

	client := ecs.New(ecs.Options{
		Region:       "eu-west-1",
		BaseEndpoint: aws.String(srv.URL),
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: "x", SecretAccessKey: "x"}, nil
		}),
	})
	out, err := client.ListClusters(context.Background(), &ecs.ListClustersInput{})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(out.ClusterArns[0])
	fmt.Println(awsjson.Operations(clusters{}))
	// Output:
	// arn:aws:ecs:eu-west-1:123456789012:cluster/default
	// [ListClusters]
}
