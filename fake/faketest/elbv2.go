package faketest

import (
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/elasticloadbalancingv2"
)

// NewELBv2Client returns an *elasticloadbalancingv2.Client for the server
// (the same endpoint serves ELBv2 over the Query protocol); optFns adjust
// its options after the defaults are set.
func (s *Server) NewELBv2Client(optFns ...func(*elasticloadbalancingv2.Options)) *elasticloadbalancingv2.Client {
	base := func(o *elasticloadbalancingv2.Options) {
		o.BaseEndpoint = aws.String(s.URL)
		o.Region = Region
		o.Credentials = credentials.NewStaticCredentialsProvider("AKIDFAKE", "fake-secret", "")
		o.HTTPClient = s.http
	}
	return elasticloadbalancingv2.New(elasticloadbalancingv2.Options{}, append([]func(*elasticloadbalancingv2.Options){base}, optFns...)...)
}
