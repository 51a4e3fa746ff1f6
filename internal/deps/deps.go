//go:build tools

// Package deps pins modules the services are being built on before their
// first import lands (removed once every one is imported for real).
package deps

import (
	_ "github.com/MicahParks/keyfunc/v3"
	_ "github.com/a2aproject/a2a-go/v2/a2aclient"
	_ "github.com/a2aproject/a2a-go/v2/a2asrv"
	_ "github.com/cedar-policy/cedar-go"
	_ "github.com/coreos/go-oidc/v3/oidc"
	_ "github.com/getkin/kin-openapi/openapi3"
	_ "github.com/golang-jwt/jwt/v5"
	_ "github.com/google/jsonschema-go/jsonschema"
	_ "github.com/modelcontextprotocol/go-sdk/mcp"
	_ "github.com/openai/openai-go/v3"
	_ "github.com/santhosh-tekuri/jsonschema/v6"
	_ "github.com/zitadel/oidc/v3/example/server/exampleop"
	_ "github.com/zitadel/oidc/v3/example/server/storage"
	_ "github.com/zitadel/oidc/v3/pkg/op"
	_ "golang.org/x/oauth2/clientcredentials"
)
