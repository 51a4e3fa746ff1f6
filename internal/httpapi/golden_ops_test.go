package httpapi_test

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/smithy-go"
)

var bg = context.Background()

// must fails the test on err.
func must(t *testing.T, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// wantCode fails the test unless err is the AWS error code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != code {
		t.Fatalf("error %v, want %s", err, code)
	}
}

// TestGoldenWire pins the wire form of one operation of each shape (create,
// get, list with pagination, update, delete, validation and not-found
// errors) for every service the typed adapter serves.
func TestGoldenWire(t *testing.T) {
	g := newGolden(t)
	t.Run("Runtime", func(t *testing.T) { goldenRuntime(t, g) })
	t.Run("Gateway", func(t *testing.T) { goldenGateway(t, g) })
	t.Run("Policy", func(t *testing.T) { goldenPolicy(t, g) })
	t.Run("Memory", func(t *testing.T) { goldenMemory(t, g) })
	t.Run("Identity", func(t *testing.T) { goldenIdentity(t, g) })
	t.Run("CodeInterpreter", func(t *testing.T) { goldenCodeInterpreter(t, g) })
	t.Run("Browser", func(t *testing.T) { goldenBrowser(t, g) })
	t.Run("Evaluation", func(t *testing.T) { goldenEvaluation(t, g) })
}
