package faketest

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/applicationautoscaling"
	"github.com/aws/aws-sdk-go-v2/service/cloudwatch"
)

// NewCloudWatchClient returns a *cloudwatch.Client for the server (the
// same endpoint serves CloudWatch over Smithy RPC v2 CBOR); optFns adjust
// its options after the defaults are set.
func (s *Server) NewCloudWatchClient(optFns ...func(*cloudwatch.Options)) *cloudwatch.Client {
	base := func(o *cloudwatch.Options) {
		o.BaseEndpoint = aws.String(s.URL)
		o.Region = Region
		o.Credentials = credentials.NewStaticCredentialsProvider("AKIDFAKE", "fake-secret", "")
		o.HTTPClient = s.http
	}
	return cloudwatch.New(cloudwatch.Options{}, append([]func(*cloudwatch.Options){base}, optFns...)...)
}

// NewAutoScalingClient returns an *applicationautoscaling.Client for the
// server (AWS JSON 1.1 on the same endpoint).
func (s *Server) NewAutoScalingClient(optFns ...func(*applicationautoscaling.Options)) *applicationautoscaling.Client {
	base := func(o *applicationautoscaling.Options) {
		o.BaseEndpoint = aws.String(s.URL)
		o.Region = Region
		o.Credentials = credentials.NewStaticCredentialsProvider("AKIDFAKE", "fake-secret", "")
		o.HTTPClient = s.http
	}
	return applicationautoscaling.New(applicationautoscaling.Options{}, append([]func(*applicationautoscaling.Options){base}, optFns...)...)
}
