package httpapi

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/agentcore-dev/agentcore/internal/policy"
	"github.com/agentcore-dev/agentcore/internal/tagging"
)

func engineDoc(e *policy.Engine) map[string]any {
	d := map[string]any{"policyEngineId": e.ID, "policyEngineArn": e.ARN, "name": e.Name, "status": e.Status,
		"statusReasons": e.StatusReasons, "createdAt": dateTime(e.CreatedAt), "updatedAt": dateTime(e.UpdatedAt)}
	if e.Description != "" {
		d["description"] = e.Description
	}
	if e.EncryptionKeyArn != "" {
		d["encryptionKeyArn"] = e.EncryptionKeyArn
	}
	return d
}

func policyDoc(p *policy.Policy) map[string]any {
	d := map[string]any{"policyId": p.ID, "policyArn": p.ARN, "policyEngineId": p.EngineID, "name": p.Name,
		"definition": p.Definition, "status": p.Status, "statusReasons": p.StatusReasons,
		"createdAt": dateTime(p.CreatedAt), "updatedAt": dateTime(p.UpdatedAt)}
	if p.Description != "" {
		d["description"] = p.Description
	}
	if p.EnforcementMode != "" {
		d["enforcementMode"] = p.EnforcementMode
	}
	return d
}

// updatedDescription is the UpdatedDescription structure.
type updatedDescription struct {
	OptionalValue *string `json:"optionalValue"`
}

func (u *updatedDescription) value() *string {
	if u == nil {
		return nil
	}
	if u.OptionalValue == nil {
		empty := ""
		return &empty
	}
	return u.OptionalValue
}

func (s *Server) createPolicyEngine(ctx context.Context, w http.ResponseWriter, r *http.Request, _ params) error {
	svc := s.cfg.Policy
	body, err := readBody(r)
	if err != nil {
		return err
	}
	var in struct {
		Name             string            `json:"name"`
		Description      string            `json:"description"`
		EncryptionKeyArn string            `json:"encryptionKeyArn"`
		Tags             map[string]string `json:"tags"`
	}
	if err := decodeJSON(body, &in); err != nil {
		return err
	}
	if err := tagging.Validate(in.Tags); err != nil {
		return err
	}
	e, err := svc.CreateEngine(ctx, in.Name, in.Description, in.EncryptionKeyArn, in.Tags)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, engineDoc(e))
}

func (s *Server) getPolicyEngine(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Policy
	e, err := svc.GetEngine(ctx, p["policyEngineId"])
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, engineDoc(e))
}

func (s *Server) updatePolicyEngine(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Policy
	body, err := readBody(r)
	if err != nil {
		return err
	}
	var in struct {
		Description *updatedDescription `json:"description"`
	}
	if err := decodeJSON(body, &in); err != nil {
		return err
	}
	e, err := svc.UpdateEngine(ctx, p["policyEngineId"], in.Description.value())
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, engineDoc(e))
}

func (s *Server) deletePolicyEngine(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Policy
	e, err := svc.DeleteEngine(ctx, p["policyEngineId"])
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, engineDoc(e))
}

// servePolicyList serves one page of a policy-service list operation, each
// item rendered by doc under member.
func servePolicyList[T any](s *Server, ctx context.Context, w http.ResponseWriter, r *http.Request, member string,
	list func(*policy.Service, policy.Page) ([]T, string, error), doc func(T) map[string]any) error {
	svc := s.cfg.Policy
	pg, err := policyPage(r)
	if err != nil {
		return err
	}
	items, next, err := list(svc, pg)
	if err != nil {
		return err
	}
	return writePage(w, member, items, next, doc)
}

func policyPage(r *http.Request) (policy.Page, error) {
	pg, err := page(r)
	return policy.Page{MaxResults: pg.MaxResults, NextToken: pg.NextToken}, err
}

func (s *Server) listPolicyEngines(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return servePolicyList(s, ctx, w, r, "policyEngines", func(svc *policy.Service, pg policy.Page) ([]*policy.Engine, string, error) {
		return svc.ListEngines(ctx, pg)
	}, engineDoc)
}

type policyRequest struct {
	Name            string             `json:"name"`
	Description     json.RawMessage    `json:"description"`
	Definition      *policy.Definition `json:"definition"`
	EnforcementMode string             `json:"enforcementMode"`
	ValidationMode  string             `json:"validationMode"`
}

func decodePolicy(r *http.Request, update bool) (*policy.PolicyInput, error) {
	body, err := readBody(r)
	if err != nil {
		return nil, err
	}
	var in policyRequest
	if err := decodeJSON(body, &in); err != nil {
		return nil, err
	}
	out := &policy.PolicyInput{Name: in.Name, Definition: in.Definition, EnforcementMode: in.EnforcementMode, ValidationMode: in.ValidationMode}
	if len(in.Description) > 0 {
		if update {
			var u updatedDescription
			if err := decodeJSON(in.Description, &u); err != nil {
				return nil, err
			}
			out.Description = u.value()
		} else {
			var d string
			if err := decodeJSON(in.Description, &d); err != nil {
				return nil, err
			}
			out.Description = &d
		}
	}
	return out, nil
}

func (s *Server) createPolicy(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Policy
	in, err := decodePolicy(r, false)
	if err != nil {
		return err
	}
	pol, err := svc.CreatePolicy(ctx, p["policyEngineId"], *in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, policyDoc(pol))
}

func (s *Server) getPolicy(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Policy
	pol, err := svc.GetPolicy(ctx, p["policyEngineId"], p["policyId"])
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, policyDoc(pol))
}

func (s *Server) updatePolicy(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Policy
	in, err := decodePolicy(r, true)
	if err != nil {
		return err
	}
	pol, err := svc.UpdatePolicy(ctx, p["policyEngineId"], p["policyId"], *in)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, policyDoc(pol))
}

func (s *Server) deletePolicy(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	svc := s.cfg.Policy
	pol, err := svc.DeletePolicy(ctx, p["policyEngineId"], p["policyId"])
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusAccepted, policyDoc(pol))
}

func (s *Server) listPolicies(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error {
	return servePolicyList(s, ctx, w, r, "policies", func(svc *policy.Service, pg policy.Page) ([]*policy.Policy, string, error) {
		return svc.ListPolicies(ctx, p["policyEngineId"], pg)
	}, policyDoc)
}
