package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// chatServer is an OpenAI-compatible /v1/chat/completions server (the test
// double for a model provider). It answers with the Cedar text for the
// gateway it finds in the prompt and records the prompt.
type chatServer struct {
	*httptest.Server
	prompts []string
}

func startChat(t testing.TB, answer func(prompt string) string) *chatServer {
	c := &chatServer{}
	c.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/v1/chat/completions" {
			http.NotFound(w, r)
			return
		}
		var req struct {
			Messages []struct{ Role, Content string } `json:"messages"`
		}
		json.NewDecoder(r.Body).Decode(&req)
		p := req.Messages[len(req.Messages)-1].Content
		c.prompts = append(c.prompts, p)
		json.NewEncoder(w).Encode(map[string]any{"id": "c1", "object": "chat.completion", "model": "test",
			"choices": []any{map[string]any{"index": 0, "finish_reason": "stop", "message": map[string]any{"role": "assistant", "content": answer(p)}}}})
	}))
	t.Cleanup(c.Close)
	return c
}

// chatGenerator adapts an OpenAI-compatible endpoint to policy.Generator
// (internal/model's provider takes this place once wired).
type chatGenerator struct{ url string }

func (g chatGenerator) Generate(ctx context.Context, prompt string) (string, error) {
	body, _ := json.Marshal(map[string]any{"model": "test", "messages": []any{map[string]string{"role": "user", "content": prompt}}})
	req, _ := http.NewRequestWithContext(ctx, http.MethodPost, g.url+"/v1/chat/completions", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	var out struct {
		Choices []struct {
			Message struct{ Content string } `json:"message"`
		} `json:"choices"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || len(out.Choices) == 0 {
		return "", fmt.Errorf("bad completion: %v", err)
	}
	return out.Choices[0].Message.Content, nil
}

// TestPolicyGeneration: natural language → Cedar through the model
// provider; generated policies are validated against the gateway schema and
// can be turned into policies by reference.
func TestPolicyGeneration(t *testing.T) {
	chat := startChat(t, func(p string) string {
		return "```cedar\n" +
			`permit(principal, action == AgentCore::Action::"pets___refund", resource) when { context.input.body.amount < 500 };` + "\n" +
			`permit(principal, action == AgentCore::Action::"pets___teleport", resource);` + "\n```"
	})
	cfg := testenv.Fast()
	cfg.PolicyGenerator = chatGenerator{chat.URL}
	e := testenv.Start(t, cfg)
	ps := startPetstore(t)
	eng := createEngine(t, e, "gen")
	gw := createGateway(t, e, "gen", nil)
	openAPITarget(t, e, *gw.GatewayId, "pets", petstoreSpec(ps.URL))
	st, err := e.Control.StartPolicyGeneration(bg, &ctl.StartPolicyGenerationInput{PolicyEngineId: eng.PolicyEngineId, Name: aws.String("refunds"),
		Resource: &ctltypes.ResourceMemberArn{Value: *gw.GatewayArn},
		Content:  &ctltypes.ContentMemberRawText{Value: "Anyone may refund orders under 500 dollars"}})
	if err != nil {
		t.Fatal(err)
	}
	var g *ctl.GetPolicyGenerationOutput
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		if g, err = e.Control.GetPolicyGeneration(bg, &ctl.GetPolicyGenerationInput{PolicyEngineId: eng.PolicyEngineId, PolicyGenerationId: st.PolicyGenerationId}); err != nil {
			t.Fatal(err)
		}
		if g.Status != ctltypes.PolicyGenerationStatusGenerating {
			break
		}
	}
	if g.Status != ctltypes.PolicyGenerationStatusGenerated || !strings.Contains(aws.ToString(g.Findings), "1 of 2") {
		t.Fatalf("generation: %s %v %s", g.Status, g.StatusReasons, aws.ToString(g.Findings))
	}
	if len(chat.prompts) != 1 || !strings.Contains(chat.prompts[0], `"pets___refund"`) || !strings.Contains(chat.prompts[0], "under 500 dollars") {
		t.Fatalf("prompt: %q", chat.prompts)
	}
	assets, err := e.Control.ListPolicyGenerationAssets(bg, &ctl.ListPolicyGenerationAssetsInput{PolicyEngineId: eng.PolicyEngineId, PolicyGenerationId: st.PolicyGenerationId})
	if err != nil || len(assets.PolicyGenerationAssets) != 2 {
		t.Fatalf("assets: %+v %v", assets, err)
	}
	valid, invalid := assets.PolicyGenerationAssets[0], assets.PolicyGenerationAssets[1]
	if valid.Findings[0].Type != ctltypes.FindingTypeValid || invalid.Findings[0].Type != ctltypes.FindingTypeInvalid || !strings.Contains(aws.ToString(invalid.Findings[0].Description), "teleport") {
		t.Fatalf("findings: %+v / %+v", valid.Findings, invalid.Findings)
	}
	p, err := e.Control.CreatePolicy(bg, &ctl.CreatePolicyInput{PolicyEngineId: eng.PolicyEngineId, Name: aws.String("from_generation"),
		Definition: &ctltypes.PolicyDefinitionMemberPolicyGeneration{Value: ctltypes.PolicyGenerationDetails{
			PolicyGenerationId: st.PolicyGenerationId, PolicyGenerationAssetId: valid.PolicyGenerationAssetId}}})
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := p.Definition.(*ctltypes.PolicyDefinitionMemberCedar); !ok || !strings.Contains(*d.Value.Statement, "500") {
		t.Fatalf("policy from generation: %#v", p.Definition)
	}
	if _, err := e.Control.CreatePolicy(bg, &ctl.CreatePolicyInput{PolicyEngineId: eng.PolicyEngineId, Name: aws.String("from_invalid"),
		Definition: &ctltypes.PolicyDefinitionMemberPolicyGeneration{Value: ctltypes.PolicyGenerationDetails{
			PolicyGenerationId: st.PolicyGenerationId, PolicyGenerationAssetId: invalid.PolicyGenerationAssetId}}}); !errorIs[*ctltypes.ValidationException](err) {
		t.Fatalf("invalid generated policy accepted: %v", err)
	}
	lg, err := e.Control.ListPolicyGenerations(bg, &ctl.ListPolicyGenerationsInput{PolicyEngineId: eng.PolicyEngineId})
	if err != nil || len(lg.PolicyGenerations) != 1 {
		t.Fatalf("list: %+v %v", lg, err)
	}
	// Summary operations.
	if s, err := e.Control.GetPolicyGenerationSummary(bg, &ctl.GetPolicyGenerationSummaryInput{PolicyEngineId: eng.PolicyEngineId, PolicyGenerationId: st.PolicyGenerationId}); err != nil || s.Status != ctltypes.PolicyGenerationStatusGenerated {
		t.Fatalf("generation summary: %+v %v", s, err)
	}
	if l, err := e.Control.ListPolicyGenerationSummaries(bg, &ctl.ListPolicyGenerationSummariesInput{PolicyEngineId: eng.PolicyEngineId}); err != nil || len(l.PolicyGenerations) != 1 {
		t.Fatalf("generation summaries: %+v %v", l, err)
	}
	if s, err := e.Control.GetPolicyEngineSummary(bg, &ctl.GetPolicyEngineSummaryInput{PolicyEngineId: eng.PolicyEngineId}); err != nil || *s.Name != "gen" {
		t.Fatalf("engine summary: %+v %v", s, err)
	}
	if l, err := e.Control.ListPolicyEngineSummaries(bg, &ctl.ListPolicyEngineSummariesInput{}); err != nil || len(l.PolicyEngines) != 1 {
		t.Fatalf("engine summaries: %+v %v", l, err)
	}
	if s, err := e.Control.GetPolicySummary(bg, &ctl.GetPolicySummaryInput{PolicyEngineId: eng.PolicyEngineId, PolicyId: p.PolicyId}); err != nil || *s.Name != "from_generation" {
		t.Fatalf("policy summary: %+v %v", s, err)
	}
	if l, err := e.Control.ListPolicySummaries(bg, &ctl.ListPolicySummariesInput{PolicyEngineId: eng.PolicyEngineId}); err != nil || len(l.Policies) != 1 {
		t.Fatalf("policy summaries: %+v %v", l, err)
	}
}
