package config

import (
	"errors"
	"fmt"
	"net/url"
)

// Server replicas on one database (issue 16, docs/scale-out.md).
func init() {
	settings = append(settings,
		Setting{Key: "cluster-secret", Env: "AGENTCORE_CLUSTER_SECRET", NoFlag: true, Help: "shared secret (at least 16 characters) of the server replicas on one database: setting it makes this server a replica that records which node hosts each runtime session and forwards requests for sessions hosted elsewhere to their node, signed with it (HMAC); empty = a single server",
			field: func(c *Config) any { return &c.ClusterSecret }},
		Setting{Key: "advertise-url", Env: "AGENTCORE_ADVERTISE_URL", Help: "URL the other replicas reach this one at (internal network), e.g. http://10.0.0.5:8765 (default: http://LISTEN when --listen names a host, else http://HOSTNAME:PORT)",
			field: func(c *Config) any { return &c.AdvertiseURL }},
		Setting{Key: "node-lease", Default: "10s", Help: "a server that has not renewed its row in the node registry for this long is dead: its runtime sessions start again on other replicas at their next request and its Code Interpreter and Browser sessions are reported TERMINATED (it renews every quarter of it; silent for three leases, it is declared dead and its session owner rows are removed)",
			field: func(c *Config) any { return &c.NodeLease }},
		Setting{Key: "drain-timeout", Default: "30s", Help: "on SIGTERM the server stops taking new sessions and lets in-flight invocations finish for up to this long before it exits",
			field: func(c *Config) any { return &c.DrainTimeout }},
	)
}

// validateCluster checks the replica settings.
func (c Config) validateCluster() []error {
	var out []error
	if c.ClusterSecret != "" && len(c.ClusterSecret) < 16 {
		out = append(out, fieldError(lookup("cluster-secret"), errors.New("must be at least 16 characters")))
	}
	if c.AdvertiseURL != "" {
		u, err := url.Parse(c.AdvertiseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			out = append(out, fieldError(lookup("advertise-url"), fmt.Errorf("%q is not an http:// or https:// URL", c.AdvertiseURL)))
		}
	}
	if c.NodeLease < 0 {
		out = append(out, fieldError(lookup("node-lease"), errors.New("must not be negative")))
	}
	return out
}
