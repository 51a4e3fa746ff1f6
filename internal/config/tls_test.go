package config_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/config"
)

func TestValidateTLS(t *testing.T) {
	for name, tc := range map[string]struct {
		c    config.Config
		want string // "" = valid
	}{
		"off":             {config.Config{}, ""},
		"local CA":        {config.Config{TLSListen: "127.0.0.1:0", TLSHosts: "box.example.test, 192.0.2.1"}, ""},
		"own cert":        {config.Config{TLSListen: "127.0.0.1:8443", TLSCert: "c.pem", TLSKey: "k.pem"}, ""},
		"bad address":     {config.Config{TLSListen: "8443"}, "config: --tls-listen: "},
		"cert alone":      {config.Config{TLSListen: "127.0.0.1:0", TLSCert: "c.pem"}, "config: --tls-key: set both"},
		"no listener":     {config.Config{TLSCert: "c.pem", TLSKey: "k.pem"}, "config: --tls-cert: --tls-cert and --tls-key need --tls-listen"},
		"bad extra names": {config.Config{TLSListen: "127.0.0.1:0", TLSHosts: "ok.test,not a host"}, `config: --tls-hosts: "not a host" is not a host name`},
	} {
		err := tc.c.WithDefaults().Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: rejected: %v", name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: got %v, want %q", name, err, tc.want)
		}
	}
	got := config.Config{TLSHosts: " a.test ,,b.test,"}.TLSExtraHosts()
	if !slices.Equal(got, []string{"a.test", "b.test"}) {
		t.Errorf("TLSExtraHosts = %q", got)
	}
}
