package runtime

import (
	"context"
	"encoding/json"

	"github.com/agentcore-dev/agentcore/internal/tenant"
)

// Inbound is what the edge checks before an invocation starts a session:
// the runtime's identity and inbound authorizer.
type Inbound struct {
	RuntimeARN  string
	RuntimeName string          // also the name of its workload identity
	Authorizer  json.RawMessage // authorizerConfiguration as configured; nil = SigV4
	HeaderAllow []string        // requestHeaderAllowlist
	Version     int
}

// Inbound resolves tg to the version that would serve it.
func (s *Service) Inbound(ctx context.Context, tg Target) (*Inbound, error) {
	acct, id, epName, version, err := s.resolve(ctx, tg)
	if err != nil {
		return nil, err
	}
	if version == 0 {
		if version, err = s.liveVersion(ctx, acct, id, epName); err != nil {
			return nil, err
		}
	}
	key := versionKey(acct, id, version)
	if v, ok := s.inbound.Load(key); ok {
		return v.(*Inbound), nil
	}
	rt, err := s.repo.runtime(ctx, acct, id)
	if err != nil {
		return nil, err
	}
	v, err := s.repo.version(ctx, acct, id, version)
	if err != nil {
		return nil, err
	}
	in := &Inbound{RuntimeARN: RuntimeARN(tenantRegion(ctx), acct, id), RuntimeName: rt.Name, Authorizer: v.Config.AuthorizerConfiguration, Version: version}
	if h := v.Config.RequestHeaderConfiguration; h != nil {
		in.HeaderAllow = h.RequestHeaderAllowlist
	}
	s.inbound.Store(key, in)
	return in, nil
}

// InboundByName resolves the DEFAULT endpoint of the runtime named name
// (workload identities of runtimes carry the runtime's name).
func (s *Service) InboundByName(ctx context.Context, name string) (*Inbound, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	id, _, err := getJSON[string](ctx, s.repo.kv, tblName, nameKey(t.Account, name), "agent runtime "+name)
	if err != nil {
		return nil, err
	}
	return s.Inbound(ctx, Target{ARN: *id})
}

// Caller is how the edge authenticated an invocation's request, for the
// runtime's inbound authorizer to decide on.
type Caller struct {
	SigV4  bool   // verified SigV4 (or trusted: local mode, loopback)
	Bearer string // the raw bearer token, if one was sent
}
