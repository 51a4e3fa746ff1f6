package api_test

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
)

func decode(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(body, &m); err != nil {
		t.Fatalf("not JSON: %q", body)
	}
	return m
}

func isNotFound(err error) bool {
	var nf *types.ResourceNotFoundException
	return errors.As(err, &nf)
}

func isValidation(err error) bool {
	var ve *types.ValidationException
	return errors.As(err, &ve)
}

func isRuntimeClientError(err error) bool {
	var rc *types.RuntimeClientError
	return errors.As(err, &rc)
}
