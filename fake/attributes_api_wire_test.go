package fake_test

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy/fake"
	"github.com/ecsdeploy/ecsdeploy/fake/faketest"
)

// attributesCluster is ec2Cluster plus a second instance with the custom
// attribute team=red; it returns the server and the second instance's
// ARN.
func attributesCluster(t *testing.T) (*faketest.Server, string) {
	t.Helper()
	srv := ec2Cluster(t)
	b, err := srv.ECS.AddInstance("default", fake.InstanceSpec{Attributes: map[string]string{"team": "red"}})
	if err != nil {
		t.Fatal(err)
	}
	return srv, b
}

// cliAttributes is the output of the CLI's put-, delete- and
// list-attributes.
type cliAttributes struct {
	Attributes []struct {
		Name       string `json:"name"`
		Value      string `json:"value"`
		TargetType string `json:"targetType"`
		TargetID   string `json:"targetId"`
	} `json:"attributes"`
}

// listed renders attributes as "targetId name=value" lines.
func (a cliAttributes) listed() []string {
	out := make([]string, len(a.Attributes))
	for i, at := range a.Attributes {
		out[i] = at.TargetID + " " + at.Name + "=" + at.Value
	}
	return out
}

// TestAttributesAPIOverTheWireCLI: the AWS CLI's put-attributes,
// list-attributes and delete-attributes work against the server with
// botocore's model (attributes required, targetType required by
// ListAttributes, the cluster defaulting to "default"): the shorthand
// syntax round-trips, the CLI's own pagination (--page-size, following
// nextToken) lists what one page lists, and each refusal reaches the CLI
// as its modelled exception: a short targetId without targetType and
// maxResults above 100, a bad nextToken, attributeValue without
// attributeName (InvalidParameterException), more than 10 custom
// attributes on an instance (AttributeLimitExceededException), an unknown
// target (TargetNotFoundException) and an unknown cluster
// (ClusterNotFoundException).
func TestAttributesAPIOverTheWireCLI(t *testing.T) {
	needTool(t, "aws", "pip install awscli")
	srv, b := attributesCluster(t)
	short := b[strings.LastIndex(b, "/")+1:]
	run := func(args ...string) cliAttributes {
		t.Helper()
		out, stderr, err := awsCLI(t, srv, append([]string{"ecs"}, args...)...)
		if err != nil {
			t.Fatalf("aws ecs %s: %v\n%s", strings.Join(args, " "), err, stderr)
		}
		var a cliAttributes
		if err := json.Unmarshal([]byte(out), &a); err != nil {
			t.Fatalf("aws ecs %s printed %q: %v", strings.Join(args, " "), out, err)
		}
		return a
	}
	put := run("put-attributes", "--attributes", "name=rack,value=r1,targetId="+b, "name=gpu,targetId="+b)
	if got, want := put.listed(), []string{b + " rack=r1", b + " gpu="}; !slices.Equal(got, want) {
		t.Fatalf("put-attributes answered %q, want %q", got, want)
	}
	run("put-attributes", "--cluster", "default", "--attributes", "name=zone,value=z 1,targetType=container-instance,targetId="+short)
	rack := run("list-attributes", "--target-type", "container-instance", "--attribute-name", "rack", "--attribute-value", "r1")
	if len(rack.Attributes) != 1 || rack.Attributes[0].TargetID != b || rack.Attributes[0].TargetType != "container-instance" {
		t.Fatalf("list-attributes rack=r1: %+v", rack)
	}
	// The CLI follows nextToken with one attribute a page: the same list
	// as one page of the Go SDK.
	paged := run("list-attributes", "--target-type", "container-instance", "--page-size", "1")
	whole, err := srv.Client.ListAttributes(t.Context(), &ecs.ListAttributesInput{TargetType: types.TargetTypeContainerInstance})
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, at := range whole.Attributes {
		want = append(want, aws.ToString(at.TargetId)+" "+aws.ToString(at.Name)+"="+aws.ToString(at.Value))
	}
	if got := paged.listed(); len(want) != 4+4+4 || !slices.Equal(got, want) {
		t.Fatalf("list-attributes --page-size 1:\n%q\nwant (one page of the SDK, 12 attributes):\n%q", got, want)
	}
	if !slices.Contains(want, b+" zone=z 1") || !slices.Contains(want, b+" team=red") {
		t.Fatalf("the attributes put by short ID, or registered, are missing: %q", want)
	}
	nine := []string{"put-attributes", "--attributes"}
	for _, n := range []string{"a", "b", "c", "d", "e", "f", "g"} {
		nine = append(nine, "name="+n+",targetId="+b)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string // the exception's code and part of its message
	}{
		{"a short targetId without targetType", []string{"put-attributes", "--attributes", "name=k,targetId=" + short},
			"(InvalidParameterException) when calling the PutAttributes operation: attributes[0].targetType: required when targetId is a short ID"},
		{"11 custom attributes on an instance", nine, "(AttributeLimitExceededException) when calling the PutAttributes operation: attributes[6]"},
		{"an unknown target", []string{"delete-attributes", "--attributes", "name=gpu,targetId=" + b[:len(b)-len(short)] + strings.Repeat("0", 32)},
			"(TargetNotFoundException) when calling the DeleteAttributes operation"},
		{"an unknown cluster", []string{"put-attributes", "--cluster", "nope", "--attributes", "name=k,targetId=" + b},
			"(ClusterNotFoundException) when calling the PutAttributes operation"},
		{"maxResults 101", []string{"list-attributes", "--target-type", "container-instance", "--page-size", "101"},
			"(InvalidParameterException) when calling the ListAttributes operation: maxResults must be between 1 and 100."},
		{"a bad nextToken", []string{"list-attributes", "--target-type", "container-instance", "--no-paginate", "--next-token", "garbage"},
			"(InvalidParameterException) when calling the ListAttributes operation: Invalid token garbage"},
		{"attributeValue alone", []string{"list-attributes", "--target-type", "container-instance", "--attribute-value", "r1"},
			"(InvalidParameterException) when calling the ListAttributes operation: attributeValue:"},
	} {
		_, stderr, err := awsCLI(t, srv, append([]string{"ecs"}, tc.args...)...)
		if err == nil || !strings.Contains(stderr, tc.want) {
			t.Errorf("%s: %v %q, want %q", tc.name, err, stderr, tc.want)
		}
	}
	del := run("delete-attributes", "--attributes", "name=gpu,targetId="+b)
	if len(del.Attributes) != 1 || del.Attributes[0].Name != "gpu" {
		t.Fatalf("delete-attributes answered %+v", del)
	}
	if gpu := run("list-attributes", "--target-type", "container-instance", "--attribute-name", "gpu"); len(gpu.Attributes) != 0 {
		t.Fatalf("gpu after delete-attributes: %+v", gpu)
	}
}

// boto3Attributes puts, pages through, filters and deletes attributes
// with boto3 (sys.argv[2] and [3]: the two instances' ARNs), and prints
// the error codes of refused calls.
const boto3Attributes = `
ecs = client("ecs", "us-east-1")
a, b = sys.argv[2], sys.argv[3]
who = lambda arn: "a" if arn == a else "b" if arn == b else arn
def code(f):
    try:
        f()
        return "ok"
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"]
out = ecs.put_attributes(attributes=[{"name": "rack", "value": "r1", "targetId": b}, {"name": "gpu", "targetId": b}])
print("put", [(x["name"], x.get("value")) for x in out["attributes"]])
pages = list(ecs.get_paginator("list_attributes").paginate(targetType="container-instance", PaginationConfig={"PageSize": 2}))
paged = [(who(x["targetId"]), x["name"], x.get("value"), x["targetType"]) for p in pages for x in p["attributes"]]
whole = [(who(x["targetId"]), x["name"], x.get("value"), x["targetType"]) for x in ecs.list_attributes(cluster="default", targetType="container-instance")["attributes"]]
print("pages", len(pages), "attributes", len(paged), "as one page:", paged == whole)
print("custom", [(t, n, v) for t, n, v, _ in paged if not n.startswith("ecs.")])
print("rack=r1", [who(x["targetId"]) for x in ecs.list_attributes(targetType="container-instance", attributeName="rack", attributeValue="r1")["attributes"]])
print("short id without targetType", code(lambda: ecs.put_attributes(attributes=[{"name": "k", "targetId": b.rsplit("/", 1)[1]}])))
print("short id with targetType", code(lambda: ecs.put_attributes(attributes=[{"name": "k", "targetId": b.rsplit("/", 1)[1], "targetType": "container-instance"}])))
print("11 custom", code(lambda: ecs.put_attributes(attributes=[{"name": "k%d" % i, "targetId": b} for i in range(7)])))
print("unknown target", code(lambda: ecs.delete_attributes(attributes=[{"name": "gpu", "targetId": b.rsplit("/", 1)[0] + "/" + "0" * 32}])))
print("unknown cluster", code(lambda: ecs.list_attributes(cluster="nope", targetType="container-instance")))
print("maxResults 101", code(lambda: ecs.list_attributes(targetType="container-instance", maxResults=101)))
print("bad token", code(lambda: ecs.list_attributes(targetType="container-instance", nextToken="garbage")))
out = ecs.delete_attributes(attributes=[{"name": "gpu", "targetId": b}, {"name": "k", "targetId": b}])
print("deleted", [x["name"] for x in out["attributes"]])
print("custom after", [(who(x["targetId"]), x["name"]) for x in ecs.list_attributes(targetType="container-instance")["attributes"] if not x["name"].startswith("ecs.")])
`

// TestAttributesAPIOverTheWireBoto3: boto3 (botocore's model and its
// ListAttributes paginator) puts, pages through, filters and deletes
// container instance attributes against the server, and gets each
// refusal as its modelled error code.
func TestAttributesAPIOverTheWireBoto3(t *testing.T) {
	needBoto3(t)
	srv, b := attributesCluster(t)
	list, err := srv.Client.ListContainerInstances(t.Context(), &ecs.ListContainerInstancesInput{})
	if err != nil {
		t.Fatal(err)
	}
	a := list.ContainerInstanceArns[0]
	if a == b {
		a = list.ContainerInstanceArns[1]
	}
	want := `put [('rack', 'r1'), ('gpu', None)]
pages 6 attributes 11 as one page: True
custom [('b', 'gpu', None), ('b', 'rack', 'r1'), ('b', 'team', 'red')]
rack=r1 ['b']
short id without targetType InvalidParameterException
short id with targetType ok
11 custom AttributeLimitExceededException
unknown target TargetNotFoundException
unknown cluster ClusterNotFoundException
maxResults 101 InvalidParameterException
bad token InvalidParameterException
deleted ['gpu', 'k']
custom after [('b', 'rack'), ('b', 'team')]
`
	wantBoto3(t, boto3Attributes, srv.URL, want, a, b)
}
