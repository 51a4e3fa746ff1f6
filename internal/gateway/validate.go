package gateway

import (
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

var (
	nameRE       = regexp.MustCompile(`^([0-9a-zA-Z][-]?){1,100}$`)
	gatewayIDRE  = regexp.MustCompile(`^([0-9a-z][-]?){1,100}-[0-9a-z]{10}$`)
	targetIDRE   = regexp.MustCompile(`^[0-9a-zA-Z]{10}$`)
	roleArnRE    = regexp.MustCompile(`^arn:aws(-[^:]+)?:iam::([0-9]{12})?:role/.+$`)
	lambdaArnRE  = regexp.MustCompile(`^arn:aws(-[^:]+)?:lambda:[a-z0-9-]+:[0-9]{12}:function:[a-zA-Z0-9-_.]+(:(\$LATEST|[a-zA-Z0-9-_]+))?$`)
	toolNameRE   = regexp.MustCompile(`^[A-Za-z0-9_.\-]{1,128}$`)
	engineArnRE  = regexp.MustCompile(`^arn:aws:bedrock-agentcore:[a-z0-9-]+:[0-9]{12}:policy-engine/[a-zA-Z][a-zA-Z0-9-_]{0,99}-[a-zA-Z0-9_]{10}$`)
	providerArnR = regexp.MustCompile(`^arn:([^:]*):([^:]*):([^:]*):([0-9]{12})?:(.+)$`)
)

// MCPVersions are the MCP protocol versions the data plane speaks.
var MCPVersions = []string{"2026-07-28", "2025-11-25", "2025-06-18", "2025-03-26", "2024-11-05"}

// ValidateGatewayID checks a gatewayIdentifier.
func ValidateGatewayID(id string) error {
	if !gatewayIDRE.MatchString(id) {
		return errs.Field("gatewayIdentifier", "gatewayIdentifier %q is not a valid gateway id", id)
	}
	return nil
}

// ValidateTargetID checks a targetId.
func ValidateTargetID(id string) error {
	if !targetIDRE.MatchString(id) {
		return errs.Field("targetId", "targetId %q must be 10 letters or digits", id)
	}
	return nil
}

func validateConfig(c *Config) error {
	if c.Name == "" {
		return errs.Field("name", "name is required")
	}
	if !nameRE.MatchString(c.Name) {
		return errs.Field("name", "name %q must be letters, digits and single hyphens (at most 100)", c.Name)
	}
	if len(c.Description) > 200 {
		return errs.Field("description", "description is longer than 200 characters")
	}
	if c.RoleArn == "" {
		return errs.Field("roleArn", "roleArn is required")
	}
	if !roleArnRE.MatchString(c.RoleArn) {
		return errs.Field("roleArn", "roleArn %q is not an IAM role ARN", c.RoleArn)
	}
	switch c.ProtocolType {
	case "":
		c.ProtocolType = "MCP"
	case "MCP":
	default:
		return errs.Field("protocolType", "protocolType must be MCP")
	}
	if pc := c.ProtocolConfiguration; pc != nil && pc.MCP != nil {
		if st := pc.MCP.SearchType; st != "" && st != "SEMANTIC" {
			return errs.Field("protocolConfiguration.mcp.searchType", "searchType must be SEMANTIC")
		}
		for _, v := range pc.MCP.SupportedVersions {
			if !slices.Contains(MCPVersions, v) {
				return errs.Field("protocolConfiguration.mcp.supportedVersions", "MCP protocol version %q is not supported (supported: %s)", v, strings.Join(MCPVersions, ", "))
			}
		}
	}
	switch c.AuthorizerType {
	case AuthCustomJWT:
		if c.AuthorizerConfiguration == nil || c.AuthorizerConfiguration.CustomJWTAuthorizer == nil {
			return errs.Field("authorizerConfiguration", "authorizerConfiguration.customJWTAuthorizer is required when authorizerType is CUSTOM_JWT")
		}
		j := c.AuthorizerConfiguration.CustomJWTAuthorizer
		if err := validateURL("authorizerConfiguration.customJWTAuthorizer.discoveryUrl", j.DiscoveryURL); err != nil {
			return err
		}
		if !strings.HasSuffix(j.DiscoveryURL, "/.well-known/openid-configuration") {
			return errs.Field("authorizerConfiguration.customJWTAuthorizer.discoveryUrl", "discoveryUrl must end with /.well-known/openid-configuration")
		}
		if len(j.AllowedAudience) == 0 && len(j.AllowedClients) == 0 && len(j.AllowedScopes) == 0 && len(j.CustomClaims) == 0 {
			return errs.Field("authorizerConfiguration.customJWTAuthorizer", "at least one of allowedAudience, allowedClients, allowedScopes or customClaims is required")
		}
	case AuthIAM, AuthNone:
		if c.AuthorizerConfiguration != nil && c.AuthorizerConfiguration.CustomJWTAuthorizer != nil {
			return errs.Field("authorizerConfiguration", "authorizerConfiguration is only allowed with authorizerType CUSTOM_JWT")
		}
	case "":
		return errs.Field("authorizerType", "authorizerType is required")
	default:
		return errs.Field("authorizerType", "authorizerType must be CUSTOM_JWT, AWS_IAM or NONE")
	}
	for i, ic := range c.InterceptorConfigurations {
		if ic.Interceptor.Lambda == nil || !lambdaArnRE.MatchString(ic.Interceptor.Lambda.Arn) {
			return errs.Field("interceptorConfigurations", "interceptor %d needs interceptor.lambda.arn, a Lambda function ARN", i)
		}
		if len(ic.InterceptionPoints) == 0 {
			return errs.Field("interceptorConfigurations", "interceptor %d needs interceptionPoints", i)
		}
		for _, p := range ic.InterceptionPoints {
			if p != "REQUEST" && p != "RESPONSE" {
				return errs.Field("interceptorConfigurations", "interception point %q must be REQUEST or RESPONSE", p)
			}
		}
	}
	if pe := c.PolicyEngineConfiguration; pe != nil {
		if !engineArnRE.MatchString(pe.Arn) {
			return errs.Field("policyEngineConfiguration.arn", "policyEngineConfiguration.arn %q is not a policy engine ARN", pe.Arn)
		}
		if pe.Mode != ModeEnforce && pe.Mode != ModeLogOnly {
			return errs.Field("policyEngineConfiguration.mode", "policyEngineConfiguration.mode must be ENFORCE or LOG_ONLY")
		}
	}
	if c.ExceptionLevel != "" && c.ExceptionLevel != "DEBUG" {
		return errs.Field("exceptionLevel", "exceptionLevel must be DEBUG")
	}
	return nil
}

func validateURL(field, s string) error {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errs.Field(field, "%s %q is not an http(s) URL", field, s)
	}
	return nil
}

func validateTargetInput(in *TargetInput) error {
	if in.Name == "" {
		return errs.Field("name", "name is required")
	}
	if !nameRE.MatchString(in.Name) {
		return errs.Field("name", "target name %q must be letters, digits and single hyphens (at most 100)", in.Name)
	}
	if in.TargetConfiguration == nil {
		return errs.Field("targetConfiguration", "targetConfiguration is required")
	}
	tc := in.TargetConfiguration
	if tc.MCP == nil {
		if len(tc.HTTP) > 0 || len(tc.Inference) > 0 {
			return errs.Field("targetConfiguration", "only mcp target configurations are supported")
		}
		return errs.Field("targetConfiguration", "targetConfiguration must set mcp")
	}
	m := tc.MCP
	n := 0
	for _, set := range []bool{m.OpenAPISchema != nil, m.SmithyModel != nil, m.Lambda != nil, m.MCPServer != nil, len(m.APIGateway) > 0, len(m.Connector) > 0} {
		if set {
			n++
		}
	}
	if n != 1 {
		return errs.Field("targetConfiguration.mcp", "targetConfiguration.mcp must set exactly one of openApiSchema, smithyModel, lambda, mcpServer")
	}
	if len(m.APIGateway) > 0 || len(m.Connector) > 0 {
		return errs.Field("targetConfiguration.mcp", "apiGateway and connector targets are not supported")
	}
	for _, src := range []*SchemaSource{m.OpenAPISchema, m.SmithyModel} {
		if src != nil && (src.InlinePayload == nil) == (src.S3 == nil) {
			return errs.Field("targetConfiguration.mcp", "a schema must set exactly one of inlinePayload or s3")
		}
	}
	if l := m.Lambda; l != nil {
		if !lambdaArnRE.MatchString(l.LambdaArn) {
			return errs.Field("targetConfiguration.mcp.lambda.lambdaArn", "lambdaArn %q is not a Lambda function ARN", l.LambdaArn)
		}
		if (len(l.ToolSchema.InlinePayload) == 0) == (l.ToolSchema.S3 == nil) {
			return errs.Field("targetConfiguration.mcp.lambda.toolSchema", "toolSchema must set exactly one of inlinePayload or s3")
		}
	}
	if s := m.MCPServer; s != nil {
		if err := validateURL("targetConfiguration.mcp.mcpServer.endpoint", s.Endpoint); err != nil {
			return err
		}
	}
	kind := (&Target{TargetConfiguration: *tc}).Kind()
	for i, cp := range in.CredentialProviderConfigurations {
		switch cp.CredentialProviderType {
		case "GATEWAY_IAM_ROLE":
		case "OAUTH":
			if cp.CredentialProvider == nil || cp.CredentialProvider.OAuth == nil || !providerArnR.MatchString(cp.CredentialProvider.OAuth.ProviderArn) {
				return errs.Field("credentialProviderConfigurations", "credential provider %d: OAUTH needs credentialProvider.oauthCredentialProvider.providerArn", i)
			}
			if g := cp.CredentialProvider.OAuth.GrantType; g != "" && g != "CLIENT_CREDENTIALS" {
				return errs.Field("credentialProviderConfigurations", "credential provider %d: only the CLIENT_CREDENTIALS grant is supported", i)
			}
		case "API_KEY":
			if cp.CredentialProvider == nil || cp.CredentialProvider.APIKey == nil || !providerArnR.MatchString(cp.CredentialProvider.APIKey.ProviderArn) {
				return errs.Field("credentialProviderConfigurations", "credential provider %d: API_KEY needs credentialProvider.apiKeyCredentialProvider.providerArn", i)
			}
			if l := cp.CredentialProvider.APIKey.CredentialLocation; l != "" && l != "HEADER" && l != "QUERY_PARAMETER" {
				return errs.Field("credentialProviderConfigurations", "credential provider %d: credentialLocation must be HEADER or QUERY_PARAMETER", i)
			}
		default:
			return errs.Field("credentialProviderConfigurations", "credential provider %d: credentialProviderType %q is not supported", i, cp.CredentialProviderType)
		}
		if kind == KindLambda && cp.CredentialProviderType != "GATEWAY_IAM_ROLE" {
			return errs.Field("credentialProviderConfigurations", "Lambda targets use GATEWAY_IAM_ROLE credentials")
		}
	}
	if len(in.CredentialProviderConfigurations) > 1 {
		return errs.Field("credentialProviderConfigurations", "at most one credential provider configuration is allowed")
	}
	return nil
}

// validateTools checks derived tool names: valid and unique per target.
func validateTools(target string, tools []Tool) error {
	seen := map[string]bool{}
	for _, t := range tools {
		if !toolNameRE.MatchString(t.Name) {
			return errs.Field("targetConfiguration", "tool name %q is not valid (letters, digits, _ . - up to 128)", t.Name)
		}
		if len(target)+len(Sep)+len(t.Name) > 128 {
			return errs.Field("targetConfiguration", "tool name %q with target prefix %q is longer than 128 characters", t.Name, target)
		}
		if seen[t.Name] {
			return errs.Field("targetConfiguration", "tool name %q appears more than once in target %s", t.Name, target)
		}
		seen[t.Name] = true
	}
	return nil
}
