// Package bedrock is a model.Provider for the Amazon Bedrock Converse API
// (POST /model/{modelId}/converse), SigV4-signed with the AWS SDK's
// signer; credentials come from the standard AWS chain.
package bedrock

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/model"
	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Provider calls Converse.
type Provider struct {
	Endpoint string // default https://bedrock-runtime.{region}.amazonaws.com
	Region   string
	Model    string
	Creds    aws.CredentialsProvider
	HTTP     *http.Client
}

// New returns a provider for region (endpoint "" = the AWS one).
func New(endpoint, region, defaultModel string, creds aws.CredentialsProvider) *Provider {
	if endpoint == "" {
		endpoint = "https://bedrock-runtime." + region + ".amazonaws.com"
	}
	return &Provider{Endpoint: strings.TrimRight(endpoint, "/"), Region: region, Model: defaultModel, Creds: creds, HTTP: &http.Client{Timeout: 5 * time.Minute}}
}

// Name identifies the provider.
func (p *Provider) Name() string { return "bedrock-converse:" + p.Region }

type text struct {
	Text string `json:"text"`
}

type message struct {
	Role    string `json:"role"`
	Content []text `json:"content"`
}

// Chat sends one Converse request.
func (p *Provider) Chat(ctx context.Context, req model.Request) (*model.Response, error) {
	m := req.Model
	if m == "" {
		m = p.Model
	}
	body := map[string]any{}
	var sys []text
	var msgs []message
	for _, msg := range req.Messages {
		if msg.Role == "system" {
			sys = append(sys, text{msg.Content})
			continue
		}
		msgs = append(msgs, message{Role: msg.Role, Content: []text{{msg.Content}}})
	}
	body["messages"] = msgs
	if len(sys) > 0 {
		body["system"] = sys
	}
	inf := map[string]any{}
	if req.MaxTokens > 0 {
		inf["maxTokens"] = req.MaxTokens
	}
	if req.Temperature != nil {
		inf["temperature"] = *req.Temperature
	}
	if len(inf) > 0 {
		body["inferenceConfig"] = inf
	}
	raw, _ := json.Marshal(body)
	hr, err := http.NewRequestWithContext(ctx, http.MethodPost, p.Endpoint+"/model/x/converse", bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	// Model ids hold ':' (…-v1:0), which the AWS SDKs send as %3A.
	hr.URL.Path = strings.TrimSuffix(hr.URL.Path, "/model/x/converse") + "/model/" + m + "/converse"
	hr.URL.RawPath = strings.TrimSuffix(hr.URL.EscapedPath(), "/model/"+m+"/converse") + "/model/" + strings.ReplaceAll(url.PathEscape(m), ":", "%3A") + "/converse"
	hr.Header.Set("Content-Type", "application/json")
	creds, err := p.Creds.Retrieve(ctx)
	if err != nil {
		return nil, fmt.Errorf("bedrock credentials: %w", err)
	}
	sum := sha256.Sum256(raw)
	if err := v4.NewSigner().SignHTTP(ctx, creds, hr, hex.EncodeToString(sum[:]), "bedrock", p.Region, time.Now()); err != nil {
		return nil, err
	}
	resp, err := p.HTTP.Do(hr)
	if err != nil {
		return nil, fmt.Errorf("bedrock request: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 16<<20))
	if err != nil {
		return nil, err
	}
	var r struct {
		Output struct {
			Message message `json:"message"`
		} `json:"output"`
		Usage struct {
			InputTokens  int `json:"inputTokens"`
			OutputTokens int `json:"outputTokens"`
		} `json:"usage"`
		Message string `json:"message"`
	}
	jerr := json.Unmarshal(data, &r)
	if resp.StatusCode/100 != 2 {
		msg := fmt.Sprintf("%.300s", data)
		if jerr == nil && r.Message != "" {
			msg = r.Message
		}
		return nil, fmt.Errorf("bedrock returned HTTP %d: %s", resp.StatusCode, msg)
	}
	if jerr != nil {
		return nil, fmt.Errorf("bedrock answered with non-JSON: %.200s", data)
	}
	var out strings.Builder
	for _, c := range r.Output.Message.Content {
		out.WriteString(c.Text)
	}
	return &model.Response{Text: out.String(), Model: m, InputTokens: r.Usage.InputTokens, OutputTokens: r.Usage.OutputTokens}, nil
}

var _ model.Provider = (*Provider)(nil)
