package api_test

import (
	"errors"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// createMemory creates a memory with the given strategies and waits for ACTIVE.
func createMemory(t *testing.T, e *testenv.Env, name string, strategies ...ctltypes.MemoryStrategyInput) *ctltypes.Memory {
	t.Helper()
	out, err := e.Control.CreateMemory(bg, &ctl.CreateMemoryInput{Name: aws.String(name), EventExpiryDuration: aws.Int32(30), MemoryStrategies: strategies})
	if err != nil {
		t.Fatal(err)
	}
	return waitMemoryActive(t, e, *out.Memory.Id)
}

func waitMemoryActive(t *testing.T, e *testenv.Env, id string) *ctltypes.Memory {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		g, err := e.Control.GetMemory(bg, &ctl.GetMemoryInput{MemoryId: aws.String(id)})
		if err != nil {
			t.Fatal(err)
		}
		if g.Memory.Status == ctltypes.MemoryStatusActive {
			return g.Memory
		}
		if time.Now().After(deadline) {
			t.Fatalf("memory %s still %s", id, g.Memory.Status)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func semantic(name string, ns ...string) ctltypes.MemoryStrategyInput {
	return &ctltypes.MemoryStrategyInputMemberSemanticMemoryStrategy{Value: ctltypes.SemanticMemoryStrategyInput{Name: aws.String(name), NamespaceTemplates: ns}}
}

func turn(role dptypes.Role, text string) dptypes.PayloadType {
	return &dptypes.PayloadTypeMemberConversational{Value: dptypes.Conversational{Role: role, Content: &dptypes.ContentMemberText{Value: text}}}
}

func putEvent(t *testing.T, e *testenv.Env, mem, actor, session string, ts time.Time, payload ...dptypes.PayloadType) *dptypes.Event {
	t.Helper()
	out, err := e.Data.CreateEvent(bg, &dp.CreateEventInput{MemoryId: aws.String(mem), ActorId: aws.String(actor), SessionId: aws.String(session),
		EventTimestamp: aws.Time(ts), Payload: payload})
	if err != nil {
		t.Fatal(err)
	}
	return out.Event
}

func isCtlNotFound(err error) bool {
	var nf *ctltypes.ResourceNotFoundException
	return errors.As(err, &nf)
}

func isCtlValidation(err error) bool {
	var v *ctltypes.ValidationException
	return errors.As(err, &v)
}

func isConflict(err error) bool {
	var c *ctltypes.ConflictException
	return errors.As(err, &c)
}

func textOf(c dptypes.MemoryContent) string {
	if t, ok := c.(*dptypes.MemoryContentMemberText); ok {
		return t.Value
	}
	return ""
}
