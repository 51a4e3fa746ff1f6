package httpapi

import (
	"context"
	"net/http"
	"strconv"

	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/tagging"
)

type endpointRequest struct {
	AgentRuntimeVersion string            `json:"agentRuntimeVersion"`
	ClientToken         string            `json:"clientToken"`
	Description         *string           `json:"description"`
	Name                string            `json:"name"`
	Tags                map[string]string `json:"tags"`
}

func (s *Server) decodeEndpointRequest(r *http.Request, p params) (*endpointRequest, runtime.EndpointInput, error) {
	var in endpointRequest
	body, err := readBody(r)
	if err == nil {
		err = decodeJSON(body, &in)
	}
	if err != nil {
		return nil, runtime.EndpointInput{}, err
	}
	n, err := runtime.ParseVersion("agentRuntimeVersion", in.AgentRuntimeVersion)
	if err != nil {
		return nil, runtime.EndpointInput{}, err
	}
	name := in.Name
	if p["endpointName"] != "" {
		name = p["endpointName"]
	}
	return &in, runtime.EndpointInput{RuntimeID: p["agentRuntimeId"], Name: name, Version: n, Description: in.Description, Tags: in.Tags}, tagging.Validate(in.Tags)
}

func itoa(n int) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n)
}

func endpointDoc(ep *runtime.Endpoint, rtARN string) map[string]any {
	doc := map[string]any{
		"agentRuntimeArn": rtARN, "agentRuntimeEndpointArn": ep.ARN, "id": ep.ID, "name": ep.Name,
		"createdAt": dateTime(ep.CreatedAt), "lastUpdatedAt": dateTime(ep.UpdatedAt), "status": ep.Status,
	}
	if ep.LiveVersion != 0 {
		doc["liveVersion"] = itoa(ep.LiveVersion)
	}
	if ep.TargetVersion != 0 {
		doc["targetVersion"] = itoa(ep.TargetVersion)
	}
	if ep.Description != "" {
		doc["description"] = ep.Description
	}
	if ep.FailureReason != "" {
		doc["failureReason"] = ep.FailureReason
	}
	return doc
}

func runtimeARNOf(ep *runtime.Endpoint) string {
	p, _ := runtime.ParseRuntimeARN(ep.ARN)
	return runtime.RuntimeARN(p.Region, p.Account, p.RuntimeID)
}

func (s *Server) createAgentRuntimeEndpoint(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	_, ei, err := s.decodeEndpointRequest(r, p)
	if err != nil {
		return err
	}
	ep, err := s.cfg.Runtime.CreateEndpoint(ctx, ei)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, map[string]any{
		"agentRuntimeArn": runtimeARNOf(ep), "agentRuntimeEndpointArn": ep.ARN, "agentRuntimeId": ep.RuntimeID,
		"createdAt": dateTime(ep.CreatedAt), "endpointName": ep.Name, "status": ep.Status, "targetVersion": itoa(ep.TargetVersion),
	})
}

func (s *Server) updateAgentRuntimeEndpoint(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	_, ei, err := s.decodeEndpointRequest(r, p)
	if err != nil {
		return err
	}
	ep, err := s.cfg.Runtime.UpdateEndpoint(ctx, ei)
	if err != nil {
		return err
	}
	doc := endpointDoc(ep, runtimeARNOf(ep))
	delete(doc, "id")
	delete(doc, "name")
	return writeJSON(w, http.StatusAccepted, doc)
}

func (s *Server) getAgentRuntimeEndpoint(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	ep, err := s.cfg.Runtime.GetEndpoint(ctx, p["agentRuntimeId"], p["endpointName"])
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, endpointDoc(ep, runtimeARNOf(ep)))
}

func (s *Server) listAgentRuntimeEndpoints(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	pg, err := page(r)
	if err != nil {
		return err
	}
	rt, eps, next, err := s.cfg.Runtime.ListEndpoints(ctx, p["agentRuntimeId"], pg)
	if err != nil {
		return err
	}
	return writePage(w, "runtimeEndpoints", eps, next, func(ep *runtime.Endpoint) map[string]any { return endpointDoc(ep, rt.ARN) })
}

func (s *Server) deleteAgentRuntimeEndpoint(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	ep, err := s.cfg.Runtime.DeleteEndpoint(ctx, p["agentRuntimeId"], p["endpointName"])
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, map[string]any{"agentRuntimeId": ep.RuntimeID, "endpointName": ep.Name, "status": ep.Status})
}
