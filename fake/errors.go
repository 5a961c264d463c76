package fake

import (
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ecs/types"
	"github.com/aws/smithy-go"
)

func errInvalidParam(format string, a ...any) error {
	return &types.InvalidParameterException{Message: aws.String(fmt.Sprintf(format, a...))}
}

func errClient(format string, a ...any) error {
	return &types.ClientException{Message: aws.String(fmt.Sprintf(format, a...))}
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
