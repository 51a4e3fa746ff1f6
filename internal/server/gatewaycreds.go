package server

import (
	"context"
	"net/http"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/gateway"
	"github.com/agentcore-dev/agentcore/internal/identity"
)

// gatewayWorkload is the workload identity the gateway acts as when it
// fetches outbound credentials from the token vault (one per account,
// created on first use).
const gatewayWorkload = "agentcore-gateway"

// vaultCredentials gives gateway targets their outbound credentials from
// the Identity token vault: the target names a credential provider by ARN
// (…:token-vault/default/oauth2credentialprovider/NAME or
// …/apikeycredentialprovider/NAME) created with the Identity API.
type vaultCredentials struct{ svc *identity.Service }

var _ gateway.Credentials = vaultCredentials{}

func vaultProviderName(arn, kind string) (string, error) {
	i := strings.Index(arn, "/"+kind+"/")
	if i < 0 || strings.HasSuffix(arn, "/") {
		return "", errs.E(errs.Invalid, "%q is not a %s ARN", arn, kind)
	}
	return arn[i+len(kind)+2:], nil
}

func (v vaultCredentials) wat(ctx context.Context) (string, error) {
	if _, err := v.svc.EnsureWorkload(ctx, gatewayWorkload); err != nil {
		return "", err
	}
	return v.svc.WorkloadToken(ctx, gatewayWorkload)
}

// OAuth2Token implements gateway.Credentials (client credentials, cached by
// the vault).
func (v vaultCredentials) OAuth2Token(ctx context.Context, providerArn string, scopes []string) (string, error) {
	name, err := vaultProviderName(providerArn, "oauth2credentialprovider")
	if err != nil {
		return "", err
	}
	wat, err := v.wat(ctx)
	if err != nil {
		return "", err
	}
	res, err := v.svc.ResourceToken(ctx, identity.TokenRequest{Provider: name, WAT: wat, Flow: identity.FlowM2M, Scopes: scopes})
	if err != nil {
		return "", err
	}
	return res.AccessToken, nil
}

// APIKey implements gateway.Credentials.
func (v vaultCredentials) APIKey(ctx context.Context, providerArn string) (string, error) {
	name, err := vaultProviderName(providerArn, "apikeycredentialprovider")
	if err != nil {
		return "", err
	}
	wat, err := v.wat(ctx)
	if err != nil {
		return "", err
	}
	return v.svc.ResourceAPIKey(ctx, name, wat)
}

// gatewayIAM verifies SigV4 for AWS_IAM gateways with the server's keys and
// names the caller by its access key (local mode: the signature is not
// checked and the caller is the server's account).
func (p *identityParts) gatewayIAM(account string) func(ctx context.Context, r *http.Request) (string, error) {
	return func(ctx context.Context, r *http.Request) (string, error) {
		if p == nil || p.verifier == nil {
			return "arn:aws:iam::" + account + ":root", nil
		}
		res, err := p.verifier.Verify(ctx, r)
		if err != nil {
			return "", errs.Wrap(errs.Unauthorized, err, "SigV4")
		}
		return "arn:aws:iam::" + res.Credential.Account + ":user/" + res.Credential.AccessKeyID, nil
	}
}
