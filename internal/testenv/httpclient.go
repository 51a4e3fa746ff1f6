package testenv

import (
	"github.com/agentcore-dev/agentcore/internal/sdkhttp"
	"github.com/aws/aws-sdk-go-v2/aws"
)

// NewSDKHTTPClient is the HTTP client the test SDK clients use (see
// internal/sdkhttp: request bodies buffered, avoiding a loopback race in the
// SDK's body handling).
func NewSDKHTTPClient() aws.HTTPClient { return sdkhttp.New() }
