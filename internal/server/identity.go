package server

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"sync"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/identity"
	"github.com/agentcore-dev/agentcore/internal/identity/jwtauth"
	"github.com/agentcore-dev/agentcore/internal/identity/oauthclient"
	"github.com/agentcore-dev/agentcore/internal/runtime"
	"github.com/agentcore-dev/agentcore/internal/sigv4"
	"github.com/agentcore-dev/agentcore/internal/vault"
)

// Local-mode agent credentials: what agents sign with when the server has
// no credentials configured (any signature is accepted then).
const (
	LocalAccessKeyID     = "AKIDAGENTCORELOCAL"
	LocalSecretAccessKey = "agentcore-local-secret"
)

// identityParts is the Identity wiring: inbound SigV4 keys, the JWT
// validator, the vault and the Identity service.
type identityParts struct {
	keys     *sigv4.Keys
	verifier *sigv4.Verifier // nil = local mode
	jwt      *jwtauth.Validator
	svc      *identity.Service
	mu       sync.Mutex
	agent    map[string]sigv4.Credential // per-account keys minted for agents
}

// credentials gathers the configured access keys: Config.Credentials,
// --credentials-file, and AccessKeyID/SecretAccessKey
// (AGENTCORE_ACCESS_KEY_ID/AGENTCORE_SECRET_ACCESS_KEY, scoped to Account).
func (c *Config) credentials() ([]sigv4.Credential, error) {
	creds := append([]sigv4.Credential(nil), c.Credentials...)
	if c.CredentialsFile != "" {
		fc, err := sigv4.LoadFile(c.CredentialsFile)
		if err != nil {
			return nil, err
		}
		creds = append(creds, fc...)
	}
	if c.AccessKeyID != "" { // Validate checks the secret is set too
		creds = append(creds, sigv4.Credential{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, Account: c.Account})
	}
	return creds, nil
}

// isLoopback reports whether a listen address only accepts local peers.
func isLoopback(listen string) bool {
	host, _, err := net.SplitHostPort(listen)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// checkAuthConfig refuses to serve beyond loopback without credentials.
func checkAuthConfig(cfg Config, creds []sigv4.Credential) error {
	for _, addr := range []string{cfg.Listen, cfg.TLSListen} {
		if len(creds) == 0 && addr != "" && !isLoopback(addr) {
			return fmt.Errorf("refusing to listen on %s without credentials: anyone could call the API. Configure access keys with --credentials-file "+
				"or AGENTCORE_ACCESS_KEY_ID/AGENTCORE_SECRET_ACCESS_KEY, or listen on a loopback address (127.0.0.1) for local development", addr)
		}
	}
	return nil
}

func (s *Server) buildIdentity(cfg Config, creds []sigv4.Credential) (*identityParts, error) {
	keys, err := sigv4.NewKeys(creds...)
	if err != nil {
		return nil, err
	}
	ip := &identityParts{keys: keys, agent: map[string]sigv4.Credential{}, jwt: jwtauth.New(jwtauth.Options{})}
	if len(creds) > 0 {
		ip.verifier = sigv4.New(keys.Lookup, cfg.MaxPayloadSize)
	} else {
		cfg.Logger.Warn("no credentials configured: requests are not authenticated (local mode, loopback only); every caller acts in account " + cfg.Account)
	}
	var kr *vault.Keyring
	if cfg.VaultKey != "" {
		kr, err = vault.FromKey(cfg.VaultKey)
	} else {
		kr, err = vault.Open(filepath.Join(cfg.DataDir, "vault.key"))
	}
	if err != nil {
		return nil, err
	}
	if err := checkVaultKey(context.Background(), s.kv, kr); err != nil { // vaultcheck.go
		return nil, err
	}
	ip.svc = identity.New(identity.Options{KV: s.kv, Vault: kr, OAuth: oauthclient.New(cfg.OAuthHTTPClient), Logger: cfg.Logger,
		CallbackURL: s.url + "/identities/oauth2/callback", UserTokens: s.userTokens(ip.jwt)})
	return ip, nil
}

// agentEnv gives agents of an account credentials for the platform API: a
// key pair minted for the account (local mode: the documented local pair).
func (ip *identityParts) agentEnv(acct string) map[string]string {
	if ip.verifier == nil {
		return map[string]string{"AWS_ACCESS_KEY_ID": LocalAccessKeyID, "AWS_SECRET_ACCESS_KEY": LocalSecretAccessKey}
	}
	ip.mu.Lock()
	defer ip.mu.Unlock()
	c, ok := ip.agent[acct]
	if !ok {
		var err error
		if c, err = ip.keys.Mint(acct); err != nil {
			return nil
		}
		ip.agent[acct] = c
	}
	return map[string]string{"AWS_ACCESS_KEY_ID": c.AccessKeyID, "AWS_SECRET_ACCESS_KEY": c.SecretAccessKey}
}

// userTokens validates a user JWT against the authorizer of the runtime the
// workload identity belongs to.
func (s *Server) userTokens(v *jwtauth.Validator) identity.UserTokens {
	return func(ctx context.Context, account, workload, token string) (string, error) {
		in, err := s.runtime.InboundByName(ctx, workload)
		if err != nil {
			return "", errs.E(errs.Invalid, "workload identity %s has no agent runtime with an inbound JWT authorizer", workload)
		}
		az, err := jwtauth.ParseAuthorizer(in.Authorizer)
		if err != nil || az == nil {
			return "", errs.E(errs.Invalid, "agent runtime %s has no customJWTAuthorizer to validate user tokens with", workload)
		}
		c, err := v.Validate(ctx, token, *az)
		if err != nil {
			return "", errs.E(errs.Unauthorized, "the user token is not valid: %s", err.Error())
		}
		if c.Subject == "" {
			return "", errs.E(errs.Unauthorized, "the user token has no sub claim")
		}
		return c.Subject, nil
	}
}

// Identity exposes the Identity service (tests: clock control).
func (s *Server) Identity() *identity.Service { return s.idp.svc }

// sessionAPIHandler is what a session's in-environment listener serves: OTLP
// paths go to its receiver, everything else to the platform API, so agents in
// their own network namespace (linuxns, gvisor) reach the API at the same
// address. Their requests never count as loopback peers: the extensions'
// loopback exemption does not apply to agents.
func (s *Server) sessionAPIHandler(otlp http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p := r.URL.Path
		if p == "/v1/traces" || p == "/v1/logs" || p == "/v1/metrics" {
			otlp.ServeHTTP(w, r)
			return
		}
		r.RemoteAddr = "192.0.2.1:0" // TEST-NET-1: "a sandboxed agent", never loopback
		s.http.Handler.ServeHTTP(w, r)
	})
}

// forgetRuntime deletes the workload identity of a deleted runtime (its
// name is the runtime id without the 10-character suffix).
func (ip *identityParts) forgetRuntime(ctx context.Context, arn string) {
	p, err := runtime.ParseRuntimeARN(arn)
	if err != nil || p.Endpoint != "" || len(p.RuntimeID) < 12 {
		return
	}
	ip.svc.DeleteWorkload(ctx, p.RuntimeID[:len(p.RuntimeID)-11]) //nolint:errcheck // may be gone already
}
