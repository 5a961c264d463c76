package fake_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ecs"

	"github.com/ecsdeploy/ecsdeploy/fake"
)

// Serve the fake over HTTP and use it with the real SDK client; the
// region of the client's signature goes into the ARNs.
func ExampleNewServer() {
	ctx := context.Background()
	e := fake.New()
	ts := httptest.NewServer(fake.NewServer(e))
	defer ts.Close()

	client := ecs.New(ecs.Options{
		Region:       "eu-west-1",
		BaseEndpoint: aws.String(ts.URL),
		Credentials:  credentials.NewStaticCredentialsProvider("any", "any", ""),
	})
	out, err := client.CreateCluster(ctx, &ecs.CreateClusterInput{ClusterName: aws.String("demo")})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(*out.Cluster.ClusterArn)
	fmt.Println(e.CallCount("CreateCluster"))
	// Output:
	// arn:aws:ecs:eu-west-1:123456789012:cluster/demo
	// 1
}
