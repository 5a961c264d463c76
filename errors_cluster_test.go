package ecsdeploy_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ecs/types"

	"github.com/ecsdeploy/ecsdeploy"
	"github.com/ecsdeploy/ecsdeploy/fake"
)

// ClusterNotFoundException from the Deployer names the cluster (ECS's
// message, "Cluster not found.", does not), and the API error stays
// reachable with errors.As.
func TestClusterNotFoundNamesTheCluster(t *testing.T) {
	d := ecsdeploy.New(fake.New())
	for _, cluster := range []string{"prod", ""} {
		_, err := d.Deploy(t.Context(), ecsdeploy.DeployInput{Cluster: cluster, Service: "web", Image: "web:2"})
		var nf *ecsdeploy.NotFoundError
		var cnf *types.ClusterNotFoundException
		want := cluster
		if want == "" {
			want = "default"
		}
		if !errors.Is(err, ecsdeploy.ErrClusterNotFound) || !errors.As(err, &nf) || nf.Name != want || !errors.As(err, &cnf) ||
			!strings.Contains(err.Error(), `cluster not found: "`+want+`"`) {
			t.Fatalf("cluster %q: %v", cluster, err)
		}
	}
}
