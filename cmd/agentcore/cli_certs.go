package main

import (
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/config"
	"github.com/agentcore-dev/agentcore/internal/server"
	"github.com/agentcore-dev/agentcore/internal/tlsca"
	"github.com/spf13/cobra"
)

// defaultTLSPort is the port the set-up text suggests when --tls-listen is
// not given (or is port 0).
const defaultTLSPort = "8443"

func newCertsCmd() *cobra.Command {
	var (
		flags   *config.Flags
		printCA bool
	)
	cmd := &cobra.Command{
		Use:   "certs",
		Short: "Make the local CA for the HTTPS listener and print the one-time client set-up",
		Long: `The server's optional HTTPS listener (--tls-listen) presents a certificate issued
by a local CA kept in DATA-DIR/tls (made on first use; the CA's key stays
there, mode 0600). The bedrock-agentcore SDK builds its browser and runtime
WebSocket URLs only from an https:// endpoint under .amazonaws.com, so clients
reach the server as https://` + tlsca.LocalHost + `:PORT once that
name resolves to it and the CA is trusted.

certs makes the CA and the server certificate for the settings given (the
same --data-dir, --region, --tls-hosts and --tls-listen as the server; it
reads --config and the environment like the server), writes ca-bundle.pem
(the system's trusted CAs plus the local CA, when the system bundle is
found) and prints the CA's path and the set-up. --print-ca prints only the
CA certificate (PEM), e.g. to add it to a trust store.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := flags.Load(os.LookupEnv)
			if err != nil {
				return err
			}
			if c.DataDir, err = filepath.Abs(c.DataDir); err != nil {
				return err
			}
			out := cmd.OutOrStdout()
			if c.TLSCert != "" {
				fmt.Fprintf(out, "The server uses --tls-cert %s: clients must trust its issuer; no local CA is used.\n", c.TLSCert)
				return nil
			}
			f, err := server.LocalCA(server.Config{Config: c})
			if err != nil {
				return err
			}
			if printCA {
				b, err := os.ReadFile(f.CA)
				if err != nil {
					return err
				}
				_, err = out.Write(b)
				return err
			}
			bundle, err := writeBundle(f)
			if err != nil {
				return err
			}
			printSetup(out, c, f, bundle)
			return nil
		},
	}
	flags = config.Bind(cmd.Flags())
	cmd.Flags().BoolVar(&printCA, "print-ca", false, "print only the CA certificate (PEM)")
	return cmd
}

// systemBundles are where Linux distributions and macOS keep the trusted
// CAs as one PEM file.
var systemBundles = []string{
	"/etc/ssl/certs/ca-certificates.crt", // Debian, Ubuntu, Arch, Alpine
	"/etc/pki/tls/certs/ca-bundle.crt",   // Fedora, RHEL
	"/etc/ssl/ca-bundle.pem",             // openSUSE
	"/etc/ssl/cert.pem",                  // macOS, BSDs
}

// writeBundle writes DIR/ca-bundle.pem = the system's trusted CAs + the
// local CA ("" when no system bundle is found): AWS_CA_BUNDLE and
// SSL_CERT_FILE replace a program's trust store, and with this file real
// AWS endpoints keep verifying.
func writeBundle(f *tlsca.Files) (string, error) {
	ca, err := os.ReadFile(f.CA)
	if err != nil {
		return "", err
	}
	for _, p := range systemBundles {
		sys, err := os.ReadFile(p)
		if err != nil {
			continue
		}
		if len(sys) > 0 && sys[len(sys)-1] != '\n' {
			sys = append(sys, '\n')
		}
		path := filepath.Join(f.Dir, "ca-bundle.pem")
		return path, os.WriteFile(path, append(sys, ca...), 0o644)
	}
	return "", nil
}

func printSetup(w io.Writer, c config.Config, f *tlsca.Files, bundle string) {
	host, port := "127.0.0.1", defaultTLSPort
	if c.TLSListen != "" {
		h, p, _ := net.SplitHostPort(c.TLSListen)
		if ip := net.ParseIP(h); ip != nil && !ip.IsUnspecified() {
			host = h
		}
		if p != "0" {
			port = p
		}
	}
	trust := f.CA
	if bundle != "" {
		trust = bundle
	}
	endpoint := "https://" + net.JoinHostPort(tlsca.LocalHost, port)
	fmt.Fprintf(w, "CA certificate:     %s\n", f.CA)
	fmt.Fprintf(w, "Server certificate: %s (until %s)\n", f.Cert, f.NotAfter.UTC().Format("2006-01-02"))
	fmt.Fprintf(w, "Names:              %s\n", strings.Join(f.Hosts, " "))
	if bundle != "" {
		fmt.Fprintf(w, "CA bundle:          %s (the system's CAs + this CA)\n", bundle)
	}
	fmt.Fprintf(w, "\nServe HTTPS next to --listen:\n\n  agentcore server --data-dir %s --tls-listen %s\n", c.DataDir, net.JoinHostPort(host, port))
	fmt.Fprintf(w, "\nOne-time client set-up, for %s:\n\n", endpoint)
	fmt.Fprintf(w, "1. Make the name resolve to the server (as root):\n\n  echo '%s %s' >> /etc/hosts\n\n", host, tlsca.LocalHost)
	fmt.Fprintf(w, "2. Point the bedrock-agentcore SDK at it and trust the CA:\n\n")
	fmt.Fprintf(w, "  export BEDROCK_AGENTCORE_DP_ENDPOINT=%s\n", endpoint)
	fmt.Fprintf(w, "  export BEDROCK_AGENTCORE_CP_ENDPOINT=%s\n", endpoint)
	fmt.Fprintf(w, "  export AWS_CA_BUNDLE=%s        # botocore / boto3\n", trust)
	fmt.Fprintf(w, "  export SSL_CERT_FILE=%s        # Python ssl (websockets)\n", trust)
	fmt.Fprintf(w, "  export NODE_EXTRA_CA_CERTS=%s  # Node.js (Playwright's driver, AWS SDK for JavaScript)\n", f.CA)
	fmt.Fprintf(w, "\nOther boto3 clients can keep AWS_ENDPOINT_URL_BEDROCK_AGENTCORE[_CONTROL]=%s.\n", "http://"+c.Listen)
	fmt.Fprintf(w, "The real regional names (bedrock-agentcore.%s.amazonaws.com, ...) are covered too, for DNS\ninterception without endpoint variables.\n", c.Region)
}
