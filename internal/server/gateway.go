package server

import (
	"context"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/agentcore-dev/agentcore/internal/artifact"
	"github.com/agentcore-dev/agentcore/internal/embed"
	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/gateway"
	"github.com/agentcore-dev/agentcore/internal/gateway/lambda"
	"github.com/agentcore-dev/agentcore/internal/gateway/mcpclient"
	"github.com/agentcore-dev/agentcore/internal/gateway/openapi"
	"github.com/agentcore-dev/agentcore/internal/gateway/outcreds"
	"github.com/agentcore-dev/agentcore/internal/gateway/smithy"
	"github.com/agentcore-dev/agentcore/internal/identity/jwtauth"
	"github.com/agentcore-dev/agentcore/internal/policy"
	"github.com/agentcore-dev/agentcore/internal/store"
	"github.com/agentcore-dev/agentcore/internal/tagging"
	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// buildGateway wires the gateway and policy services.
func (s *Server) buildGateway(kv store.KV, artifacts artifact.Store, tags *tagging.Service) (*gateway.Service, *policy.Service) {
	cfg := s.cfg
	pol := policy.New(policy.Options{KV: kv, Logger: cfg.Logger, Generator: cfg.PolicyGenerator})
	creds := cfg.GatewayCredentials
	switch {
	case creds != nil:
	case s.idp != nil && s.idp.svc != nil:
		creds = vaultCredentials{s.idp.svc} // credential providers of the Identity token vault
	default:
		creds = outcreds.New()
	}
	var lambdaCreds aws.CredentialsProvider
	if cfg.AWSAccessKeyID != "" && cfg.AWSSecretAccessKey != "" {
		lambdaCreds = credentials.NewStaticCredentialsProvider(cfg.AWSAccessKeyID, cfg.AWSSecretAccessKey, cfg.AWSSessionToken)
	}
	endpoint := cfg.LambdaEndpoint
	if endpoint == "" {
		endpoint = "https://lambda." + cfg.Region + ".amazonaws.com"
	}
	var embedder gateway.Embedder = embed.NewHashing(0) // built-in, offline
	if cfg.GatewayEmbedder != nil {
		embedder = cfg.GatewayEmbedder
	}
	jwtv := jwtauth.New(jwtauth.Options{})
	if s.idp != nil && s.idp.jwt != nil {
		jwtv = s.idp.jwt // one discovery/JWKS cache for runtimes and gateways
	}
	mcpb := mcpclient.New()
	s.closers.push("gateway MCP clients", func(context.Context) error { mcpb.Close(); return nil })
	gw := gateway.New(gateway.Options{
		KV: kv, Artifacts: artifacts, Logger: cfg.Logger,
		Backends: map[string]gateway.Backend{gateway.KindOpenAPI: openapi.New(), gateway.KindMCPServer: mcpb,
			gateway.KindSmithy: smithy.New(cfg.SmithyEndpoint, cfg.Region, lambdaCreds)},
		Invoker:      lambda.New(strings.TrimRight(endpoint, "/"), cfg.Region, lambdaCreds),
		Tokens:       gatewayJWT{jwtv},
		Credentials:  creds,
		Authorizer:   policyAuthorizer{pol},
		Embedder:     embedder,
		BaseURL:      s.url,
		CallTimeout:  cfg.GatewayCallTimeout,
		EngineExists: pol.Exists,
	})
	pol.SetTools(gatewayTools{gw})
	tags.AddChecker(gw.Exists)
	tags.AddChecker(pol.Exists)
	return gw, pol
}

// policyAuthorizer adapts the policy service to gateway.Authorizer.
type policyAuthorizer struct{ p *policy.Service }

func (a policyAuthorizer) Authorize(ctx context.Context, r *gateway.AuthzRequest) (*gateway.Decision, error) {
	allow, ids, evalErrs, err := a.p.Authorize(ctx, &policy.Request{EngineARN: r.EngineARN, GatewayARN: r.GatewayARN,
		Action: r.Action, Principal: r.Principal, Claims: r.Claims, Input: r.Input, InputSchema: r.InputSchema})
	if err != nil {
		return nil, err
	}
	return &gateway.Decision{Allow: allow, Policies: ids, Errors: evalErrs}, nil
}

// gatewayTools adapts the gateway service to policy.Tools.
type gatewayTools struct{ g *gateway.Service }

func (t gatewayTools) GatewayTools(ctx context.Context, arn string) ([]policy.Tool, error) {
	tn, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	prefix := gateway.ARN(tn, "")
	if !strings.HasPrefix(arn, prefix) {
		return nil, errs.E(errs.NotFound, "gateway %s not found", arn)
	}
	cat, err := t.g.Catalogue(ctx, strings.TrimPrefix(arn, prefix))
	if err != nil {
		return nil, err
	}
	out := make([]policy.Tool, 0, len(cat.Tools))
	for _, e := range cat.Tools {
		out = append(out, policy.Tool{Name: e.Name, InputSchema: e.Tool.InputSchema})
	}
	return out, nil
}

func (t gatewayTools) EngineGateways(ctx context.Context, engineArn string) ([]string, error) {
	var out []string
	next := ""
	for {
		gs, tok, err := t.g.List(ctx, gateway.Page{MaxResults: 1000, NextToken: next})
		if err != nil {
			return nil, err
		}
		for _, g := range gs {
			if g.PolicyEngineConfiguration != nil && g.PolicyEngineConfiguration.Arn == engineArn {
				out = append(out, g.ARN)
			}
		}
		if tok == "" {
			return out, nil
		}
		next = tok
	}
}
