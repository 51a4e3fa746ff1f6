// Package gateway implements AgentCore Gateway: gateways and their targets
// (OpenAPI, Smithy, Lambda and MCP-server backends turned into MCP tools),
// the per-gateway tool catalogue, and tool-call dispatch with inbound
// authorization, Cedar policy, interceptors and outbound credentials.
// Transports (HTTP, Lambda Invoke, MCP client) live in sub-packages behind the
// interfaces declared here.
package gateway

import (
	"encoding/json"
	"time"
)

// Gateway statuses, authorizer types and policy modes.
const (
	StatusReady    = "READY"
	StatusFailed   = "FAILED"
	StatusDeleting = "DELETING"

	AuthCustomJWT = "CUSTOM_JWT"
	AuthIAM       = "AWS_IAM"
	AuthNone      = "NONE"

	ModeEnforce = "ENFORCE"
	ModeLogOnly = "LOG_ONLY"

	// SearchToolName is the built-in semantic search tool.
	SearchToolName = "x_amz_bedrock_agentcore_search"
	// Sep joins a target name and a tool name.
	Sep = "___"
)

// Gateway is a stored gateway. JSON members use the AWS names.
type Gateway struct {
	ID                           string                     `json:"gatewayId"`
	ARN                          string                     `json:"gatewayArn"`
	Name                         string                     `json:"name"`
	Description                  string                     `json:"description,omitempty"`
	RoleArn                      string                     `json:"roleArn,omitempty"`
	Status                       string                     `json:"status"`
	StatusReasons                []string                   `json:"statusReasons,omitempty"`
	ProtocolType                 string                     `json:"protocolType"`
	ProtocolConfiguration        *ProtocolConfiguration     `json:"protocolConfiguration,omitempty"`
	AuthorizerType               string                     `json:"authorizerType"`
	AuthorizerConfiguration      *AuthorizerConfiguration   `json:"authorizerConfiguration,omitempty"`
	InterceptorConfigurations    []InterceptorConfiguration `json:"interceptorConfigurations,omitempty"`
	PolicyEngineConfiguration    *PolicyEngineConfiguration `json:"policyEngineConfiguration,omitempty"`
	ExceptionLevel               string                     `json:"exceptionLevel,omitempty"`
	KmsKeyArn                    string                     `json:"kmsKeyArn,omitempty"`
	CustomTransformConfiguration json.RawMessage            `json:"customTransformConfiguration,omitempty"`
	WafConfiguration             json.RawMessage            `json:"wafConfiguration,omitempty"`
	WorkloadIdentityArn          string                     `json:"workloadIdentityArn,omitempty"`
	CreatedAt                    time.Time                  `json:"createdAt"`
	UpdatedAt                    time.Time                  `json:"updatedAt"`
}

// Config is the writable part of a gateway (Create/UpdateGateway).
type Config struct {
	Name                         string                     `json:"name"`
	Description                  string                     `json:"description"`
	RoleArn                      string                     `json:"roleArn"`
	ProtocolType                 string                     `json:"protocolType"`
	ProtocolConfiguration        *ProtocolConfiguration     `json:"protocolConfiguration"`
	AuthorizerType               string                     `json:"authorizerType"`
	AuthorizerConfiguration      *AuthorizerConfiguration   `json:"authorizerConfiguration"`
	InterceptorConfigurations    []InterceptorConfiguration `json:"interceptorConfigurations"`
	PolicyEngineConfiguration    *PolicyEngineConfiguration `json:"policyEngineConfiguration"`
	ExceptionLevel               string                     `json:"exceptionLevel"`
	KmsKeyArn                    string                     `json:"kmsKeyArn"`
	CustomTransformConfiguration json.RawMessage            `json:"customTransformConfiguration"`
	WafConfiguration             json.RawMessage            `json:"wafConfiguration"`
}

// ProtocolConfiguration is the GatewayProtocolConfiguration union.
type ProtocolConfiguration struct {
	MCP *MCPConfiguration `json:"mcp,omitempty"`
}

// MCPConfiguration is MCPGatewayConfiguration.
type MCPConfiguration struct {
	SearchType                    string          `json:"searchType,omitempty"`
	SupportedVersions             []string        `json:"supportedVersions,omitempty"`
	Instructions                  string          `json:"instructions,omitempty"`
	DisableMcpListToolsPagination bool            `json:"disableMcpListToolsPagination,omitempty"`
	SessionConfiguration          json.RawMessage `json:"sessionConfiguration,omitempty"`
	StreamingConfiguration        json.RawMessage `json:"streamingConfiguration,omitempty"`
}

// AuthorizerConfiguration is the AuthorizerConfiguration union.
type AuthorizerConfiguration struct {
	CustomJWTAuthorizer *CustomJWTAuthorizer `json:"customJWTAuthorizer,omitempty"`
}

// CustomJWTAuthorizer is CustomJWTAuthorizerConfiguration.
type CustomJWTAuthorizer struct {
	DiscoveryURL                 string            `json:"discoveryUrl"`
	AllowedAudience              []string          `json:"allowedAudience,omitempty"`
	AllowedClients               []string          `json:"allowedClients,omitempty"`
	AllowedScopes                []string          `json:"allowedScopes,omitempty"`
	CustomClaims                 []CustomClaim     `json:"customClaims,omitempty"`
	AdvertisedScopeMapping       map[string]string `json:"advertisedScopeMapping,omitempty"`
	AllowedWorkloadConfiguration json.RawMessage   `json:"allowedWorkloadConfiguration,omitempty"`
}

// CustomClaim is CustomClaimValidationType.
type CustomClaim struct {
	InboundTokenClaimName      string `json:"inboundTokenClaimName"`
	InboundTokenClaimValueType string `json:"inboundTokenClaimValueType"`
	AuthorizingClaimMatchValue struct {
		ClaimMatchOperator string `json:"claimMatchOperator"`
		ClaimMatchValue    struct {
			MatchValueString     *string  `json:"matchValueString,omitempty"`
			MatchValueStringList []string `json:"matchValueStringList,omitempty"`
		} `json:"claimMatchValue"`
	} `json:"authorizingClaimMatchValue"`
}

// InterceptorConfiguration is GatewayInterceptorConfiguration.
type InterceptorConfiguration struct {
	Interceptor struct {
		Lambda *struct {
			Arn string `json:"arn"`
		} `json:"lambda,omitempty"`
	} `json:"interceptor"`
	InterceptionPoints []string `json:"interceptionPoints"`
	InputConfiguration *struct {
		PassRequestHeaders bool            `json:"passRequestHeaders"`
		PayloadFilter      json.RawMessage `json:"payloadFilter,omitempty"`
	} `json:"inputConfiguration,omitempty"`
}

// PolicyEngineConfiguration is GatewayPolicyEngineConfiguration.
type PolicyEngineConfiguration struct {
	Arn  string `json:"arn"`
	Mode string `json:"mode"`
}

// Target is a stored gateway target with its derived tools.
type Target struct {
	ID                               string                            `json:"targetId"`
	GatewayID                        string                            `json:"gatewayId"`
	Name                             string                            `json:"name"`
	Description                      string                            `json:"description,omitempty"`
	Status                           string                            `json:"status"`
	StatusReasons                    []string                          `json:"statusReasons,omitempty"`
	TargetConfiguration              TargetConfiguration               `json:"targetConfiguration"`
	CredentialProviderConfigurations []CredentialProviderConfiguration `json:"credentialProviderConfigurations"`
	MetadataConfiguration            json.RawMessage                   `json:"metadataConfiguration,omitempty"`
	CreatedAt                        time.Time                         `json:"createdAt"`
	UpdatedAt                        time.Time                         `json:"updatedAt"`
	LastSynchronizedAt               *time.Time                        `json:"lastSynchronizedAt,omitempty"`
	Tools                            []Tool                            `json:"tools,omitempty"`
}

// TargetInput is the writable part of a target (Create/UpdateGatewayTarget).
type TargetInput struct {
	Name                             string                            `json:"name"`
	Description                      string                            `json:"description"`
	TargetConfiguration              *TargetConfiguration              `json:"targetConfiguration"`
	CredentialProviderConfigurations []CredentialProviderConfiguration `json:"credentialProviderConfigurations"`
	MetadataConfiguration            json.RawMessage                   `json:"metadataConfiguration"`
}

// TargetConfiguration is the TargetConfiguration union; only mcp is served.
type TargetConfiguration struct {
	MCP       *MCPTarget      `json:"mcp,omitempty"`
	HTTP      json.RawMessage `json:"http,omitempty"`
	Inference json.RawMessage `json:"inference,omitempty"`
}

// MCPTarget is the McpTargetConfiguration union.
type MCPTarget struct {
	OpenAPISchema *SchemaSource   `json:"openApiSchema,omitempty"`
	SmithyModel   *SchemaSource   `json:"smithyModel,omitempty"`
	Lambda        *LambdaTarget   `json:"lambda,omitempty"`
	MCPServer     *MCPServer      `json:"mcpServer,omitempty"`
	APIGateway    json.RawMessage `json:"apiGateway,omitempty"`
	Connector     json.RawMessage `json:"connector,omitempty"`
}

// SchemaSource is ApiSchemaConfiguration: an inline document or an s3 location.
type SchemaSource struct {
	InlinePayload *string `json:"inlinePayload,omitempty"`
	S3            *S3     `json:"s3,omitempty"`
}

// S3 is S3Configuration.
type S3 struct {
	URI                  string `json:"uri,omitempty"`
	BucketOwnerAccountID string `json:"bucketOwnerAccountId,omitempty"`
}

// LambdaTarget is McpLambdaTargetConfiguration.
type LambdaTarget struct {
	LambdaArn  string     `json:"lambdaArn"`
	ToolSchema ToolSchema `json:"toolSchema"`
}

// ToolSchema is the ToolSchema union.
type ToolSchema struct {
	InlinePayload []ToolDefinition `json:"inlinePayload,omitempty"`
	S3            *S3              `json:"s3,omitempty"`
}

// ToolDefinition is one Lambda tool as configured.
type ToolDefinition struct {
	Name         string          `json:"name"`
	Description  string          `json:"description"`
	InputSchema  json.RawMessage `json:"inputSchema"`
	OutputSchema json.RawMessage `json:"outputSchema,omitempty"`
}

// MCPServer is McpServerTargetConfiguration.
type MCPServer struct {
	Endpoint         string          `json:"endpoint"`
	ListingMode      string          `json:"listingMode,omitempty"`
	McpToolSchema    json.RawMessage `json:"mcpToolSchema,omitempty"`
	ResourcePriority *int            `json:"resourcePriority,omitempty"`
}

// CredentialProviderConfiguration is the outbound credential of a target.
type CredentialProviderConfiguration struct {
	CredentialProviderType string              `json:"credentialProviderType"`
	CredentialProvider     *CredentialProvider `json:"credentialProvider,omitempty"`
}

// CredentialProvider is the CredentialProvider union.
type CredentialProvider struct {
	APIKey *APIKeyProvider `json:"apiKeyCredentialProvider,omitempty"`
	OAuth  *OAuthProvider  `json:"oauthCredentialProvider,omitempty"`
	IAM    json.RawMessage `json:"iamCredentialProvider,omitempty"`
}

// APIKeyProvider is GatewayApiKeyCredentialProvider.
type APIKeyProvider struct {
	ProviderArn             string `json:"providerArn"`
	CredentialLocation      string `json:"credentialLocation,omitempty"`
	CredentialParameterName string `json:"credentialParameterName,omitempty"`
	CredentialPrefix        string `json:"credentialPrefix,omitempty"`
}

// OAuthProvider is OAuthCredentialProvider.
type OAuthProvider struct {
	ProviderArn      string            `json:"providerArn"`
	Scopes           []string          `json:"scopes"`
	GrantType        string            `json:"grantType,omitempty"`
	CustomParameters map[string]string `json:"customParameters,omitempty"`
	DefaultReturnURL string            `json:"defaultReturnUrl,omitempty"`
}

// Kind names the backend of a target.
func (t *Target) Kind() string {
	m := t.TargetConfiguration.MCP
	switch {
	case m == nil:
		return ""
	case m.OpenAPISchema != nil:
		return KindOpenAPI
	case m.SmithyModel != nil:
		return KindSmithy
	case m.Lambda != nil:
		return KindLambda
	case m.MCPServer != nil:
		return KindMCPServer
	}
	return ""
}

// Backend kinds (TargetType values).
const (
	KindOpenAPI   = "OPEN_API_SCHEMA"
	KindSmithy    = "SMITHY_MODEL"
	KindLambda    = "LAMBDA"
	KindMCPServer = "MCP_SERVER"
)

// Tool is one tool a target offers. Name is the backend's own name; the
// gateway exposes it as {target}___{name}. Binding is backend-private data
// (e.g. an OpenAPI operation's method, path and parameter locations).
type Tool struct {
	Name         string          `json:"name"`
	Description  string          `json:"description,omitempty"`
	InputSchema  json.RawMessage `json:"inputSchema"`
	OutputSchema json.RawMessage `json:"outputSchema,omitempty"`
	Binding      json.RawMessage `json:"binding,omitempty"`
}

// Page is a list request's paging.
type Page struct {
	MaxResults int
	NextToken  string
}
