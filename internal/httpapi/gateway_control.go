package httpapi

import (
	"context"
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/gateway"
	"github.com/agentcore-dev/agentcore/internal/tagging"
)

type gatewayRequest struct {
	gateway.Config
	Tags map[string]string `json:"tags"`
}

// gatewayDoc renders GetGateway's body (also Create/Update).
func (s *Server) gatewayDoc(g *gateway.Gateway) map[string]any {
	doc := map[string]any{
		"gatewayArn": g.ARN, "gatewayId": g.ID, "name": g.Name, "status": g.Status,
		"authorizerType": g.AuthorizerType, "protocolType": g.ProtocolType, "roleArn": g.RoleArn,
		"createdAt": dateTime(g.CreatedAt), "updatedAt": dateTime(g.UpdatedAt),
		"gatewayUrl":              s.cfg.Gateway.URL(g.ID),
		"workloadIdentityDetails": workload(g.WorkloadIdentityArn),
	}
	set := func(k string, v any, ok bool) {
		if ok {
			doc[k] = v
		}
	}
	set("description", g.Description, g.Description != "")
	set("statusReasons", g.StatusReasons, len(g.StatusReasons) > 0)
	set("protocolConfiguration", g.ProtocolConfiguration, g.ProtocolConfiguration != nil)
	set("authorizerConfiguration", g.AuthorizerConfiguration, g.AuthorizerConfiguration != nil)
	set("interceptorConfigurations", g.InterceptorConfigurations, len(g.InterceptorConfigurations) > 0)
	set("policyEngineConfiguration", g.PolicyEngineConfiguration, g.PolicyEngineConfiguration != nil)
	set("exceptionLevel", g.ExceptionLevel, g.ExceptionLevel != "")
	set("kmsKeyArn", g.KmsKeyArn, g.KmsKeyArn != "")
	set("customTransformConfiguration", rawJSON(g.CustomTransformConfiguration), len(g.CustomTransformConfiguration) > 0)
	set("wafConfiguration", rawJSON(g.WafConfiguration), len(g.WafConfiguration) > 0)
	return doc
}

func (s *Server) createGateway(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	svc := s.cfg.Gateway
	body, err := readBody(r)
	if err != nil {
		return err
	}
	var in gatewayRequest
	if err := decodeJSON(body, &in); err != nil {
		return err
	}
	if err := tagging.Validate(in.Tags); err != nil {
		return err
	}
	g, err := svc.Create(ctx, in.Config, in.Tags)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, s.gatewayDoc(g))
}

func (s *Server) getGateway(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Gateway
	g, err := svc.Get(ctx, p["gatewayIdentifier"])
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, s.gatewayDoc(g))
}

func (s *Server) updateGateway(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Gateway
	body, err := readBody(r)
	if err != nil {
		return err
	}
	var in gateway.Config
	if err := decodeJSON(body, &in); err != nil {
		return err
	}
	g, err := svc.Update(ctx, p["gatewayIdentifier"], in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, s.gatewayDoc(g))
}

func (s *Server) deleteGateway(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Gateway
	g, err := svc.Delete(ctx, p["gatewayIdentifier"])
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, map[string]any{"gatewayId": g.ID, "status": g.Status})
}

// gatewayPage reads maxResults (1-1000) and nextToken.
func gatewayPage(r *http.Request) (gateway.Page, error) {
	q := r.URL.Query()
	p := gateway.Page{NextToken: q.Get("nextToken")}
	if v := q.Get("maxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			return p, errs.Field("maxResults", "maxResults must be an integer from 1 to 1000")
		}
		p.MaxResults = n
	}
	if len(p.NextToken) > 2048 {
		return p, errs.Field("nextToken", "nextToken is longer than 2048 characters")
	}
	return p, nil
}

func (s *Server) listGateways(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	svc := s.cfg.Gateway
	pg, err := gatewayPage(r)
	if err != nil {
		return err
	}
	gs, next, err := svc.List(ctx, pg)
	if err != nil {
		return err
	}
	items := make([]map[string]any, 0, len(gs))
	for _, g := range gs {
		it := map[string]any{"gatewayId": g.ID, "name": g.Name, "status": g.Status, "authorizerType": g.AuthorizerType,
			"protocolType": g.ProtocolType, "createdAt": dateTime(g.CreatedAt), "updatedAt": dateTime(g.UpdatedAt)}
		if g.Description != "" {
			it["description"] = g.Description
		}
		items = append(items, it)
	}
	return writeJSON(w, http.StatusOK, withNext(map[string]any{"items": items}, next))
}

// targetDoc renders a GatewayTarget.
func targetDoc(g *gateway.Gateway, t *gateway.Target) map[string]any {
	doc := map[string]any{
		"gatewayArn": g.ARN, "targetId": t.ID, "name": t.Name, "status": t.Status,
		"targetConfiguration": t.TargetConfiguration, "credentialProviderConfigurations": t.CredentialProviderConfigurations,
		"createdAt": dateTime(t.CreatedAt), "updatedAt": dateTime(t.UpdatedAt), "protocolType": "MCP",
	}
	if t.Description != "" {
		doc["description"] = t.Description
	}
	if len(t.StatusReasons) > 0 {
		doc["statusReasons"] = t.StatusReasons
	}
	if t.LastSynchronizedAt != nil {
		doc["lastSynchronizedAt"] = dateTime(*t.LastSynchronizedAt)
	}
	if len(t.MetadataConfiguration) > 0 {
		doc["metadataConfiguration"] = rawJSON(t.MetadataConfiguration)
	}
	return doc
}

func decodeTarget(r *http.Request) (*gateway.TargetInput, error) {
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	var in gateway.TargetInput
	if err := decodeJSON(body, &in); err != nil {
		return nil, err
	}
	return &in, nil
}

func (s *Server) createGatewayTarget(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Gateway
	in, err := decodeTarget(r)
	if err != nil {
		return err
	}
	g, t, err := svc.CreateTarget(ctx, p["gatewayIdentifier"], *in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, targetDoc(g, t))
}

func (s *Server) getGatewayTarget(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Gateway
	g, t, err := svc.GetTarget(ctx, p["gatewayIdentifier"], p["targetId"])
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, targetDoc(g, t))
}

func (s *Server) updateGatewayTarget(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Gateway
	in, err := decodeTarget(r)
	if err != nil {
		return err
	}
	g, t, err := svc.UpdateTarget(ctx, p["gatewayIdentifier"], p["targetId"], *in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, targetDoc(g, t))
}

func (s *Server) deleteGatewayTarget(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Gateway
	g, t, err := svc.DeleteTarget(ctx, p["gatewayIdentifier"], p["targetId"])
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, map[string]any{"gatewayArn": g.ARN, "targetId": t.ID, "status": t.Status})
}

func (s *Server) listGatewayTargets(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Gateway
	pg, err := gatewayPage(r)
	if err != nil {
		return err
	}
	ts, next, err := svc.ListTargets(ctx, p["gatewayIdentifier"], pg)
	if err != nil {
		return err
	}
	items := make([]map[string]any, 0, len(ts))
	for _, t := range ts {
		it := map[string]any{"targetId": t.ID, "name": t.Name, "status": t.Status, "targetType": t.Kind(),
			"createdAt": dateTime(t.CreatedAt), "updatedAt": dateTime(t.UpdatedAt)}
		if t.Description != "" {
			it["description"] = t.Description
		}
		if t.LastSynchronizedAt != nil {
			it["lastSynchronizedAt"] = dateTime(*t.LastSynchronizedAt)
		}
		items = append(items, it)
	}
	return writeJSON(w, http.StatusOK, withNext(map[string]any{"items": items}, next))
}

func (s *Server) synchronizeGatewayTargets(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Gateway
	body, err := readBody(r)
	if err != nil {
		return err
	}
	var in struct {
		TargetIDList []string `json:"targetIdList"`
	}
	if err := decodeJSON(body, &in); err != nil {
		return err
	}
	g, err := svc.Get(ctx, p["gatewayIdentifier"])
	if err != nil {
		return err
	}
	ts, err := svc.Synchronize(ctx, g.ID, in.TargetIDList)
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(ts))
	for _, t := range ts {
		out = append(out, targetDoc(g, t))
	}
	return writeJSON(w, http.StatusAccepted, map[string]any{"targets": out})
}

var _ = json.Marshal
