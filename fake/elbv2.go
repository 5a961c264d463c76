package fake

import (
	"context"
	"errors"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	elbtypes "github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2/types"
	"github.com/aws/smithy-go"
)

// ELBv2 is the fake's Elastic Load Balancing v2: application and network
// load balancers, listeners and rules with forward actions, target groups,
// targets and their health, in the same world as the ECS fake (one clock,
// one lock, one seed, one call log, the same operation faults). Its API
// methods have the signatures of aws-sdk-go-v2's
// *elasticloadbalancingv2.Client. Get it with (*ECS).ELBv2.
type ELBv2 struct {
	e *ECS
}

// ELBv2 returns the Elastic Load Balancing v2 view of the fake's world.
func (e *ECS) ELBv2() *ELBv2 { return &ELBv2{e: e} }

// Timings of the load balancer simulation (fixed; see docs/fidelity.md).
const (
	// lbProvisioning is how long a new load balancer stays provisioning.
	lbProvisioning = 90 * time.Second
	// targetRegistrationDelay is how long a target stays initial with reason
	// Elb.RegistrationInProgress before its first health check.
	targetRegistrationDelay = 10 * time.Second
)

// elbWorld is everything ELBv2 keeps. Resources are kept in creation order
// (slices) and indexed by ARN and name (maps).
type elbWorld struct {
	lbs       []*loadBalancer
	lbByArn   map[string]*loadBalancer
	tgs       []*targetGroup
	tgByArn   map[string]*targetGroup
	listeners map[string]*listener
	rules     map[string]*rule
	tags      map[string][]elbtypes.Tag // by resource ARN
	faults    []*healthFaultState
	// ipNext is the next host number per availability zone for awsvpc
	// private IPs.
	ipNext map[string]int
}

func newELBWorld() *elbWorld {
	return &elbWorld{
		lbByArn: map[string]*loadBalancer{}, tgByArn: map[string]*targetGroup{},
		listeners: map[string]*listener{}, rules: map[string]*rule{}, tags: map[string][]elbtypes.Tag{},
		ipNext: map[string]int{},
	}
}

// begin is the one way into every ELBv2 operation: it takes the world's
// lock, checks ctx, records the call, runs the simulation up to now and
// applies any scripted operation fault, translated to ELB's error codes.
// The caller must call the returned unlock.
func (x *ELBv2) begin(ctx context.Context, op string, in any) (now time.Time, unlock func(), err error) {
	e := x.e
	e.mu.Lock()
	now, err = e.beginServiceLocked(ctx, "elbv2", op, in)
	if err != nil {
		err = elbFaultError(err)
	}
	return now, e.mu.Unlock, err
}

// elbFaultError turns an ECS-flavoured injected error into the error ELB
// would return: ThrottlingException is ELB's "Throttling" (HTTP 400, "Rate
// exceeded"), ServerException an InternalFailure; ELB exception codes
// ("TargetGroupNotFound", ...) and context errors pass unchanged.
func elbFaultError(err error) error {
	var api smithy.APIError
	if !errors.As(err, &api) {
		return err
	}
	switch api.ErrorCode() {
	case "ThrottlingException":
		return &smithy.GenericAPIError{Code: "Throttling", Message: "Rate exceeded", Fault: smithy.FaultClient}
	case "ServerException":
		return &smithy.GenericAPIError{Code: "InternalFailure", Message: "An internal error has occurred.", Fault: smithy.FaultServer}
	case "LoadBalancerNotFound":
		return errLBNotFound()
	case "TargetGroupNotFound":
		return errTGNotFound()
	}
	return err
}

// ELB's own errors, with the texts ELB returns.

func errLBNotFound() error {
	return &elbtypes.LoadBalancerNotFoundException{Message: aws.String("One or more load balancers not found")}
}

func errTGNotFound() error {
	return &elbtypes.TargetGroupNotFoundException{Message: aws.String("One or more target groups not found")}
}

func errListenerNotFound() error {
	return &elbtypes.ListenerNotFoundException{Message: aws.String("One or more listeners not found")}
}

func errRuleNotFound() error {
	return &elbtypes.RuleNotFoundException{Message: aws.String("One or more rules not found")}
}

// errELBValidation is ELB's generic ValidationError (not a modelled
// exception: the SDK returns a *smithy.GenericAPIError with this code).
func errELBValidation(msg string) error {
	return &smithy.GenericAPIError{Code: "ValidationError", Message: msg, Fault: smithy.FaultClient}
}

func errInvalidConfig(msg string) error {
	return &elbtypes.InvalidConfigurationRequestException{Message: aws.String(msg)}
}
