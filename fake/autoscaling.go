package fake

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	aastypes "github.com/aws/aws-sdk-go-v2/service/applicationautoscaling/types"
	"github.com/aws/smithy-go"

	"github.com/ecsdeploy/ecsdeploy"
)

// AutoScaling is the fake's Application Auto Scaling for ECS services
// (service namespace ecs, scalable dimension ecs:service:DesiredCount):
// scalable targets, target-tracking and step-scaling policies driven by the
// fake's CloudWatch alarms, and scaling activities. Its API methods have
// the signatures of aws-sdk-go-v2's *applicationautoscaling.Client. It is a
// view of the same world as the *ECS it came from. Get it with
// (*ECS).AutoScaling.
type AutoScaling struct{ e *ECS }

// AutoScaling returns the fake's Application Auto Scaling view.
func (e *ECS) AutoScaling() *AutoScaling { return &AutoScaling{e: e} }

// AutoScalingTargetPrefix is the X-Amz-Target prefix of Application Auto
// Scaling (AWS JSON 1.1); Server answers it on the same endpoint as ECS.
const AutoScalingTargetPrefix = "AnyScaleFrontendService"

// AutoScalingCallPrefix prefixes Application Auto Scaling operations in the
// call log and in FailOperation ("AutoScaling.PutScalingPolicy").
const AutoScalingCallPrefix = "AutoScaling."

// The only namespace and dimension simulated.
const (
	aasNamespace = aastypes.ServiceNamespaceEcs
	aasDimension = aastypes.ScalableDimensionECSServiceDesiredCount
)

// maxActivities is how many scaling activities a target keeps (newest).
const maxActivities = 1000

// aasWorld is the Application Auto Scaling state (guarded by ECS.mu).
type aasWorld struct {
	targets  map[string]*scalableTarget // by resource id
	order    []string                   // resource ids, registration order
	policies map[string]*scalingPolicy  // by ARN
}

func newAASWorld() *aasWorld {
	return &aasWorld{targets: map[string]*scalableTarget{}, policies: map[string]*scalingPolicy{}}
}

// scalableTarget is one registered ecs:service:DesiredCount target.
type scalableTarget struct {
	resourceID string // service/<cluster>/<service>
	arn        string
	cluster    string
	service    string
	min, max   int
	roleARN    string
	suspended  aastypes.SuspendedState
	created    time.Time
	policies   []*scalingPolicy // creation order
	activities []aastypes.ScalingActivity
	scheduled  []*scheduledAction // autoscaling_scheduled.go
}

// begin is the one way into every Application Auto Scaling operation: it
// takes the world's lock, checks ctx, runs the world up to now, records the
// call as "AutoScaling.<op>" and applies scripted operation faults as the
// service's own errors. The caller must call unlock.
func (x *AutoScaling) begin(ctx context.Context, op string, in any) (now time.Time, unlock func(), err error) {
	e := x.e
	e.mu.Lock()
	now, err = e.beginCallLocked(ctx, "autoscaling", op, AutoScalingCallPrefix+op, in, aasErrForCode) // journal: scaling_journal.go
	return now, e.mu.Unlock, err
}

func aasErrForCode(code string) error {
	switch code {
	case "ThrottlingException", "":
		return &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded", Fault: smithy.FaultClient}
	case "ServerException", "InternalServiceException":
		return &aastypes.InternalServiceException{Message: aws.String("Internal service error.")}
	case "ConcurrentUpdateException":
		return &aastypes.ConcurrentUpdateException{Message: aws.String("You already have a pending update to an Application Auto Scaling resource.")}
	default:
		return &smithy.GenericAPIError{Code: code, Message: code, Fault: smithy.FaultServer}
	}
}

func errAASValidation(format string, a ...any) error {
	return &aastypes.ValidationException{Message: aws.String(fmt.Sprintf(format, a...))}
}

// errAASConstraint is the model-validation text ("1 validation error
// detected: ...") answered as ValidationException.
func errAASConstraint(value, member, rule string) error {
	return errAASValidation("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must %s", value, member, rule)
}

func errAASNull(member string) error {
	return errAASValidation("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", member)
}

func errNoTarget(resourceID string) error {
	return &aastypes.ObjectNotFoundException{Message: aws.String(fmt.Sprintf(
		"No scalable target registered for service namespace: ecs, resource ID: %s, scalable dimension: ecs:service:DesiredCount", resourceID))}
}

// checkTargetRef validates namespace, dimension and an ECS resource id
// ("service/<cluster>/<service>"), returning the cluster and service names.
func checkTargetRef(ns aastypes.ServiceNamespace, dim aastypes.ScalableDimension, resourceID *string) (cluster, svc string, err error) {
	switch {
	case ns == "":
		return "", "", errAASNull("serviceNamespace")
	case resourceID == nil:
		return "", "", errAASNull("resourceId")
	case len(*resourceID) < 1 || len(*resourceID) > 1600:
		return "", "", errAASConstraint(*resourceID, "resourceId", "have length between 1 and 1600")
	}
	if !validNamespace(ns) {
		return "", "", errAASConstraint(string(ns), "serviceNamespace", "satisfy enum value set: ["+strings.Join(namespaceValues(), ", ")+"]")
	}
	if dim != "" && !validDimension(dim) {
		return "", "", errAASConstraint(string(dim), "scalableDimension", "satisfy enum value set: ["+strings.Join(dimensionValues(), ", ")+"]")
	}
	if ns != aasNamespace || (dim != "" && dim != aasDimension) {
		return "", "", errAASValidation("Unsupported service namespace, resource type or scalable dimension")
	}
	parts := strings.Split(*resourceID, "/")
	if len(parts) != 3 || parts[0] != "service" || parts[1] == "" || parts[2] == "" {
		return "", "", errAASValidation("Unsupported service namespace, resource type or scalable dimension")
	}
	return parts[1], parts[2], nil
}

func validNamespace(ns aastypes.ServiceNamespace) bool {
	for _, v := range ns.Values() {
		if v == ns {
			return true
		}
	}
	return false
}

func namespaceValues() []string {
	var out []string
	for _, v := range aastypes.ServiceNamespace("").Values() {
		out = append(out, string(v))
	}
	return out
}

func validDimension(d aastypes.ScalableDimension) bool {
	for _, v := range d.Values() {
		if v == d {
			return true
		}
	}
	return false
}

func dimensionValues() []string {
	var out []string
	for _, v := range aastypes.ScalableDimension("").Values() {
		out = append(out, string(v))
	}
	return out
}

// serviceOfTargetLocked finds the ACTIVE ECS service a target scales.
func (e *ECS) serviceOfTargetLocked(cluster, svc string) *service {
	c := e.clusters[cluster]
	if c == nil {
		return nil
	}
	s := e.services[serviceKey{c, svc}]
	if s == nil || s.status != serviceActive {
		return nil
	}
	return s
}

// ScalingAPI returns the Application Auto Scaling view as the Deployer's
// ScalingAPI, so ecsdeploy.New(f) applies and shows service scaling
// without ecsdeploy.WithScaling.
func (e *ECS) ScalingAPI() ecsdeploy.ScalingAPI { return e.AutoScaling() }

var _ ecsdeploy.ScalingAPI = (*AutoScaling)(nil)
