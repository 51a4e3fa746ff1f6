package jwtauth

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// ResourceMetadata is an OAuth 2.0 Protected Resource Metadata document
// (RFC 9728): where the bearer tokens of a JWT-protected resource (a runtime
// with a customJWTAuthorizer, a CUSTOM_JWT gateway) come from. Members are
// in alphabetical order, as they were sent before this type existed.
type ResourceMetadata struct {
	AuthorizationServers   []string `json:"authorization_servers,omitempty"`
	BearerMethodsSupported []string `json:"bearer_methods_supported"`
	Resource               string   `json:"resource"`
	ScopesSupported        []string `json:"scopes_supported,omitempty"`
}

// WriteResourceMetadata answers a metadata request with md (200, JSON).
func WriteResourceMetadata(w http.ResponseWriter, md ResourceMetadata) error {
	if md.BearerMethodsSupported == nil {
		md.BearerMethodsSupported = []string{"header"}
	}
	b, err := json.Marshal(md)
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(http.StatusOK)
	_, err = w.Write(b)
	return err
}
