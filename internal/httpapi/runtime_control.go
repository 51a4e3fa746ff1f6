package httpapi

import (
	"context"
	"net/http"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/tagging"
)

// runtimeRequest is the body of CreateAgentRuntime / UpdateAgentRuntime.
type runtimeRequest struct {
	runtime.Config
	AgentRuntimeName *string           `json:"agentRuntimeName"`
	ClientToken      string            `json:"clientToken"`
	Tags             map[string]string `json:"tags"`
}

func (s *Server) decodeRuntimeRequest(r *http.Request, create bool) (*runtimeRequest, error) {
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	var in runtimeRequest
	if err := decodeJSON(body, &in); err != nil {
		return nil, err
	}
	if create && (in.AgentRuntimeName == nil || *in.AgentRuntimeName == "") {
		return nil, errs.Field("agentRuntimeName", "agentRuntimeName is required")
	}
	if in.RoleArn == "" {
		return nil, errs.Field("roleArn", "roleArn is required")
	}
	return &in, tagging.Validate(in.Tags)
}

func workload(arn string) map[string]string { return map[string]string{"workloadIdentityArn": arn} }

func (s *Server) createAgentRuntime(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	in, err := s.decodeRuntimeRequest(r, true)
	if err != nil {
		return err
	}
	v, err := s.cfg.Runtime.Create(ctx, *in.AgentRuntimeName, in.Config, in.Tags)
	if err != nil {
		return err
	}
	s.ensureWorkload(ctx, v.Name) // identity_control.go
	return writeJSON(w, http.StatusAccepted, map[string]any{
		"agentRuntimeArn": v.ARN, "agentRuntimeId": v.ID, "agentRuntimeVersion": itoa(v.Version.Version),
		"createdAt": dateTime(v.CreatedAt), "status": v.Status, "workloadIdentityDetails": workload(v.WorkloadIdentityARN),
	})
}

func (s *Server) updateAgentRuntime(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	in, err := s.decodeRuntimeRequest(r, false)
	if err != nil {
		return err
	}
	v, err := s.cfg.Runtime.Update(ctx, p["agentRuntimeId"], in.Config)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, map[string]any{
		"agentRuntimeArn": v.ARN, "agentRuntimeId": v.ID, "agentRuntimeVersion": itoa(v.Version.Version),
		"createdAt": dateTime(v.CreatedAt), "lastUpdatedAt": dateTime(v.UpdatedAt), "status": v.Status,
		"workloadIdentityDetails": workload(v.WorkloadIdentityARN),
	})
}

// runtimeDoc renders GetAgentRuntime's body for one version.
func runtimeDoc(v *runtime.RuntimeView) map[string]any {
	c := v.Version.Config
	lc := c.LifecycleConfiguration
	if lc == nil {
		idle, max := 900, 28800
		lc = &runtime.LifecycleConfiguration{IdleRuntimeSessionTimeout: &idle, MaxLifetime: &max}
	}
	status, reason := v.Status, v.FailureReason
	if v.Version.Version != v.LatestVersion {
		status, reason = v.Version.Status, v.Version.FailureReason
	}
	doc := map[string]any{
		"agentRuntimeArn": v.ARN, "agentRuntimeId": v.ID, "agentRuntimeName": v.Name,
		"agentRuntimeVersion": itoa(v.Version.Version), "agentRuntimeArtifact": c.Artifact,
		"createdAt": dateTime(v.CreatedAt), "lastUpdatedAt": dateTime(v.Version.UpdatedAt),
		"lifecycleConfiguration": lc, "roleArn": c.RoleArn, "status": status,
		"workloadIdentityDetails": workload(v.WorkloadIdentityARN),
		"networkConfiguration":    orDefault(c.NetworkConfiguration, &runtime.NetworkConfiguration{NetworkMode: "PUBLIC"}),
		"protocolConfiguration":   orDefault(c.ProtocolConfiguration, &runtime.ProtocolConfiguration{ServerProtocol: "HTTP"}),
	}
	if reason != "" {
		doc["failureReason"] = reason
	}
	if c.Description != "" {
		doc["description"] = c.Description
	}
	if len(c.EnvironmentVariables) > 0 {
		doc["environmentVariables"] = c.EnvironmentVariables
	}
	if c.RequestHeaderConfiguration != nil {
		doc["requestHeaderConfiguration"] = c.RequestHeaderConfiguration
	}
	if c.PlatformVersion != "" {
		doc["platformVersion"] = c.PlatformVersion
	}
	for k, raw := range map[string][]byte{"authorizerConfiguration": c.AuthorizerConfiguration, "allowedPorts": c.AllowedPorts,
		"filesystemConfigurations": c.FilesystemConfigurations, "metadataConfiguration": c.MetadataConfiguration,
		"capacityProviderConfiguration": c.CapacityProviderConfiguration} {
		if len(raw) > 0 && string(raw) != "null" {
			doc[k] = rawJSON(raw)
		}
	}
	return doc
}

func orDefault[T any](v, def *T) *T {
	if v != nil {
		return v
	}
	return def
}

func (s *Server) getAgentRuntime(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	n, err := runtime.ParseVersion("agentRuntimeVersion", r.URL.Query().Get("version"))
	if err != nil {
		return err
	}
	v, err := s.cfg.Runtime.Get(ctx, p["agentRuntimeId"], n)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, runtimeDoc(v))
}

// summary renders the AgentRuntime list item.
func summary(rt *runtime.Runtime, v *runtime.Version, status string) map[string]any {
	return map[string]any{
		"agentRuntimeArn": rt.ARN, "agentRuntimeId": rt.ID, "agentRuntimeName": rt.Name,
		"agentRuntimeVersion": itoa(v.Version), "description": v.Config.Description,
		"lastUpdatedAt": dateTime(v.UpdatedAt), "status": status,
	}
}

func (s *Server) listAgentRuntimes(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	pg, err := page(r)
	if err != nil {
		return err
	}
	views, next, err := s.cfg.Runtime.List(ctx, pg)
	if err != nil {
		return err
	}
	items := make([]map[string]any, 0, len(views))
	for _, v := range views {
		items = append(items, summary(&v.Runtime, &v.Version, v.Status))
	}
	return writeJSON(w, http.StatusOK, withNext(map[string]any{"agentRuntimes": items}, next))
}

func (s *Server) listAgentRuntimeVersions(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	pg, err := page(r)
	if err != nil {
		return err
	}
	rt, vs, next, err := s.cfg.Runtime.ListVersions(ctx, p["agentRuntimeId"], pg)
	if err != nil {
		return err
	}
	items := make([]map[string]any, 0, len(vs))
	for _, v := range vs {
		items = append(items, summary(rt, v, v.Status))
	}
	return writeJSON(w, http.StatusOK, withNext(map[string]any{"agentRuntimes": items}, next))
}

func (s *Server) deleteAgentRuntime(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	n, err := runtime.ParseVersion("agentRuntimeVersion", r.URL.Query().Get("version"))
	if err != nil {
		return err
	}
	rt, err := s.cfg.Runtime.Delete(ctx, p["agentRuntimeId"], n)
	if err != nil {
		return err
	}
	out := map[string]any{"agentRuntimeId": rt.ID, "status": rt.Status}
	if n != 0 {
		out["agentRuntimeVersion"] = itoa(n)
	}
	return writeJSON(w, http.StatusAccepted, out)
}

// writePage sends one page of a list: the items rendered by doc under
// member, and nextToken when there is more.
func writePage[T any](w http.ResponseWriter, member string, items []T, next string, doc func(T) map[string]any) error {
	out := make([]map[string]any, 0, len(items))
	for _, it := range items {
		out = append(out, doc(it))
	}
	return writeJSON(w, http.StatusOK, withNext(map[string]any{member: out}, next))
}

func withNext(m map[string]any, next string) map[string]any {
	if next != "" {
		m["nextToken"] = next
	}
	return m
}
