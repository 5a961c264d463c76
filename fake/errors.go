package fake

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"
)

func errInvalidParam(format string, a ...any) error {
	return &types.InvalidParameterException{Message: aws.String(fmt.Sprintf(format, clipArgs(format, a)...))}
}

func errClient(format string, a ...any) error {
	return &types.ClientException{Message: aws.String(fmt.Sprintf(format, clipArgs(format, a)...))}
}

// maxEchoBytes bounds what an error message quotes of one piece of input
// (a name, an ARN): messages never echo unbounded input.
const maxEchoBytes = 256

// clipArgs cuts string arguments of an error message to maxEchoBytes;
// a format of "%s" alone (a message built elsewhere, already bounded) is
// left whole.
func clipArgs(format string, a []any) []any {
	limit := maxEchoBytes
	if format == "%s" {
		limit = 16 << 10
	}
	for i, x := range a {
		if s, ok := x.(string); ok && len(s) > limit {
			a[i] = clipString(s, limit)
		}
	}
	return a
}

func errClusterNotFound() error {
	return &types.ClusterNotFoundException{Message: aws.String("Cluster not found.")}
}

func errThrottling() error {
	return &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded", Fault: smithy.FaultClient}
}

func errServer() error {
	return &types.ServerException{Message: aws.String("Service unavailable. Try again later.")}
}

// errForCode builds the typed error an injected operation fault returns.
func errForCode(code, msg string) error {
	switch code {
	case "ThrottlingException", "":
		if msg == "" {
			return errThrottling()
		}
		return &smithy.GenericAPIError{Code: "ThrottlingException", Message: msg, Fault: smithy.FaultClient}
	case "ServerException":
		if msg == "" {
			return errServer()
		}
		return &types.ServerException{Message: aws.String(msg)}
	case "ClientException":
		return &types.ClientException{Message: aws.String(orDefault(msg, "Injected client error."))}
	case "InvalidParameterException":
		return &types.InvalidParameterException{Message: aws.String(orDefault(msg, "Injected invalid parameter."))}
	case "AccessDeniedException":
		return &types.AccessDeniedException{Message: aws.String(orDefault(msg, "User is not authorized to perform this action."))}
	case "LimitExceededException":
		return &types.LimitExceededException{Message: aws.String(orDefault(msg, "Limit exceeded."))}
	case "ClusterNotFoundException":
		return errClusterNotFound()
	default:
		return &smithy.GenericAPIError{Code: code, Message: orDefault(msg, code), Fault: smithy.FaultServer}
	}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
