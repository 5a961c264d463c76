package fake

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
)

func TestClusterLifecycle(t *testing.T) {
	e := New()
	out, err := e.CreateCluster(bg, &ecs.CreateClusterInput{ClusterName: aws.String("prod")})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := *out.Cluster.ClusterArn, "arn:aws:ecs:us-east-1:123456789012:cluster/prod"; got != want {
		t.Fatalf("arn = %s, want %s", got, want)
	}
	// CreateCluster is idempotent.
	again, _ := e.CreateCluster(bg, &ecs.CreateClusterInput{ClusterName: aws.String("prod")})
	if *again.Cluster.ClusterArn != *out.Cluster.ClusterArn {
		t.Fatal("second CreateCluster made a different cluster")
	}
	d, err := e.DescribeClusters(bg, &ecs.DescribeClustersInput{Clusters: []string{"prod", "nope"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Clusters) != 1 || *d.Clusters[0].Status != "ACTIVE" || len(d.Failures) != 1 || *d.Failures[0].Reason != "MISSING" {
		t.Fatalf("describe = %+v", d)
	}
	l, _ := e.ListClusters(bg, &ecs.ListClustersInput{})
	if len(l.ClusterArns) != 1 {
		t.Fatalf("list = %v", l.ClusterArns)
	}
	if _, err := e.DeleteCluster(bg, &ecs.DeleteClusterInput{Cluster: aws.String("prod")}); err != nil {
		t.Fatal(err)
	}
	d, _ = e.DescribeClusters(bg, &ecs.DescribeClustersInput{Clusters: []string{"prod"}})
	if *d.Clusters[0].Status != "INACTIVE" {
		t.Fatalf("status after delete = %s", *d.Clusters[0].Status)
	}
	_, err = e.RunTask(bg, &ecs.RunTaskInput{Cluster: aws.String("prod"), TaskDefinition: aws.String("x")})
	apiErr(t, err, "ClusterNotFoundException", "Cluster not found.")
}

func TestClusterNotFound(t *testing.T) {
	e := New()
	_, err := e.ListTasks(bg, &ecs.ListTasksInput{})
	apiErr(t, err, "ClusterNotFoundException", "Cluster not found.")
	_, err = e.DeleteCluster(bg, &ecs.DeleteClusterInput{Cluster: aws.String("x")})
	apiErr(t, err, "ClusterNotFoundException", "Cluster not found.")
}

func TestDeleteClusterWithInstancesFails(t *testing.T) {
	e := newCluster(t, 1)
	_, err := e.DeleteCluster(bg, &ecs.DeleteClusterInput{Cluster: aws.String("default")})
	apiErr(t, err, "ClusterContainsContainerInstancesException", "")
}

func TestCreateClusterInvalidName(t *testing.T) {
	e := New()
	_, err := e.CreateCluster(bg, &ecs.CreateClusterInput{ClusterName: aws.String("bad name!")})
	apiErr(t, err, "InvalidParameterException", "")
	if l, _ := e.ListClusters(bg, nil); len(l.ClusterArns) != 0 {
		t.Fatal("invalid request changed state")
	}
}

func TestListClustersPagination(t *testing.T) {
	e := New()
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		e.CreateCluster(bg, &ecs.CreateClusterInput{ClusterName: aws.String(n)})
	}
	p := ecs.NewListClustersPaginator(e, &ecs.ListClustersInput{MaxResults: aws.Int32(2)})
	var all []string
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(bg)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		all = append(all, out.ClusterArns...)
	}
	if len(all) != 5 || pages != 3 {
		t.Fatalf("got %d arns in %d pages", len(all), pages)
	}
	_, err := e.ListClusters(bg, &ecs.ListClustersInput{NextToken: aws.String("garbage!")})
	apiErr(t, err, "InvalidParameterException", "")
}

func TestRegionFromContext(t *testing.T) {
	e := New(WithRegion("eu-west-1"), WithAccount("111122223333"))
	out, _ := e.CreateCluster(ContextWithRegion(bg, "ap-south-1"), &ecs.CreateClusterInput{ClusterName: aws.String("a")})
	if got, want := *out.Cluster.ClusterArn, "arn:aws:ecs:ap-south-1:111122223333:cluster/a"; got != want {
		t.Fatalf("arn = %s, want %s", got, want)
	}
	out, _ = e.CreateCluster(bg, &ecs.CreateClusterInput{ClusterName: aws.String("b")})
	if got, want := *out.Cluster.ClusterArn, "arn:aws:ecs:eu-west-1:111122223333:cluster/b"; got != want {
		t.Fatalf("arn = %s, want %s", got, want)
	}
}
