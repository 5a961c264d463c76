package fake

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cwtypes "github.com/aws/aws-sdk-go-v2/service/cloudwatch/types"
	"github.com/aws/smithy-go"
)

// CloudWatch is the fake's Amazon CloudWatch: metric alarms on the world's
// metrics (AWS/ECS CPUUtilization and MemoryUtilization per service,
// AWS/ApplicationELB RequestCountPerTarget per target group, and metrics
// published with PutMetricData), evaluated in virtual time. Its API methods
// have the signatures of aws-sdk-go-v2's *cloudwatch.Client. It is a view of
// the same world as the *ECS it came from (one clock, one lock, one call
// log, the same scripted faults). Get it with (*ECS).CloudWatch.
type CloudWatch struct{ e *ECS }

// CloudWatch returns the fake's CloudWatch view.
func (e *ECS) CloudWatch() *CloudWatch { return &CloudWatch{e: e} }

// CloudWatchCallPrefix prefixes CloudWatch operations in the call log and
// in FailOperation ("CloudWatch.PutMetricAlarm").
const CloudWatchCallPrefix = "CloudWatch."

// cwWorld is the CloudWatch state inside the world (guarded by ECS.mu).
type cwWorld struct {
	alarms map[string]*metricAlarm
	// evals counts alarm evaluations (the benchmark reports it).
	evals int
}

func newCWWorld() *cwWorld { return &cwWorld{alarms: map[string]*metricAlarm{}} }

// begin is the one way into every CloudWatch operation: it takes the
// world's lock, checks ctx, runs the world up to now, records the call as
// "CloudWatch.<op>" and applies scripted operation faults as CloudWatch's
// own errors. The caller must call unlock.
func (cw *CloudWatch) begin(ctx context.Context, op string, in any) (now time.Time, unlock func(), err error) {
	e := cw.e
	e.mu.Lock()
	now, err = e.beginCallLocked(ctx, "cloudwatch", op, CloudWatchCallPrefix+op, in, cwErrForCode) // journal: scaling_journal.go
	return now, e.mu.Unlock, err
}

// cwErrForCode is the error an injected fault returns on a CloudWatch
// operation.
func cwErrForCode(code string) error {
	switch code {
	case "ThrottlingException", "Throttling", "":
		return &smithy.GenericAPIError{Code: "Throttling", Message: "Rate exceeded", Fault: smithy.FaultClient}
	case "ServerException", "InternalServiceFault", "InternalServiceError":
		return &cwtypes.InternalServiceFault{Message: aws.String("Internal service error.")}
	case "ResourceNotFound", "ResourceNotFoundException":
		return &cwtypes.ResourceNotFound{Message: aws.String("Injected resource not found.")}
	default:
		return &smithy.GenericAPIError{Code: code, Message: code, Fault: smithy.FaultServer}
	}
}

// CloudWatch's errors. Model constraint failures are the generic
// ValidationError with the "1 validation error detected" text (as for every
// AWS service speaking the awsQuery-compatible protocols).
func errCWValidation(value, member, rule string) error {
	return &smithy.GenericAPIError{Code: "ValidationError", Fault: smithy.FaultClient,
		Message: fmt.Sprintf("1 validation error detected: Value '%s' at '%s' failed to satisfy constraint: Member must %s", value, member, rule)}
}

func errCWNull(member string) error {
	return &smithy.GenericAPIError{Code: "ValidationError", Fault: smithy.FaultClient,
		Message: fmt.Sprintf("1 validation error detected: Value null at '%s' failed to satisfy constraint: Member must not be null", member)}
}

func errCWInvalidValue(format string, a ...any) error {
	return &cwtypes.InvalidParameterValueException{Message: aws.String(fmt.Sprintf(format, a...))}
}

func errCWCombination(format string, a ...any) error {
	return &cwtypes.InvalidParameterCombinationException{Message: aws.String(fmt.Sprintf(format, a...))}
}

func errCWMissing(format string, a ...any) error {
	return &cwtypes.MissingRequiredParameterException{Message: aws.String(fmt.Sprintf(format, a...))}
}

func errCWNotFound(format string, a ...any) error {
	return &cwtypes.ResourceNotFound{Message: aws.String(fmt.Sprintf(format, a...))}
}
