package server

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"time"

	"github.com/agentcore-dev/agentcore/internal/tlsca"
)

// tlsParts is the optional HTTPS listener (--tls-listen): the same handler
// as --listen behind TLS, for SDK helpers that build only https:// and
// wss:// URLs. Handlers see r.TLS != nil on its requests.
type tlsParts struct {
	ln  net.Listener // TLS-wrapped; served by s.http next to the plain one
	url string       // https://host:port
	ca  string       // the local CA's certificate file ("" with --tls-cert)
}

// TLSURL is the HTTPS listener's base URL ("" when --tls-listen is off).
func (s *Server) TLSURL() string {
	if s.tls == nil {
		return ""
	}
	return s.tls.url
}

// TLSCAFile is the PEM file of the local CA that signed the HTTPS
// listener's certificate ("" when off or with --tls-cert).
func (s *Server) TLSCAFile() string {
	if s.tls == nil {
		return ""
	}
	return s.tls.ca
}

// TLSDir is where the local CA and its server certificate are kept.
func TLSDir(dataDir string) string { return filepath.Join(dataDir, "tls") }

// LocalCA makes (once) the local CA under dataDir and the server certificate
// for the names the server's settings give (tlsca.Hosts of --region and
// --tls-hosts), reissuing it when they change.
func LocalCA(c Config) (*tlsca.Files, error) {
	return tlsca.Ensure(TLSDir(c.DataDir), tlsca.Hosts([]string{c.Region}, c.TLSExtraHosts()...), time.Now())
}

// listenTLS opens the HTTPS listener with --tls-cert/--tls-key or the
// local CA's certificate. Only HTTP/1.1 is offered: WebSocket upgrades and
// the streamed relays need a hijackable connection.
func (s *Server) listenTLS() (*tlsParts, error) {
	var (
		cert tls.Certificate
		ca   string
		err  error
	)
	if s.cfg.TLSCert != "" {
		if cert, err = tls.LoadX509KeyPair(s.cfg.TLSCert, s.cfg.TLSKey); err != nil {
			return nil, fmt.Errorf("--tls-cert/--tls-key: %w", err)
		}
	} else {
		f, err := LocalCA(s.cfg)
		if err != nil {
			return nil, fmt.Errorf("local CA in %s: %w", TLSDir(s.cfg.DataDir), err)
		}
		if f.NewCA {
			s.cfg.Logger.Info("made a local CA for the HTTPS listener: trust it once (see `agentcore certs`)", "ca", f.CA)
		}
		if f.NewCert {
			s.cfg.Logger.Info("issued the HTTPS listener's certificate", "hosts", strings.Join(f.Hosts, ","), "notAfter", f.NotAfter.UTC().Format(time.RFC3339))
		}
		if cert, err = f.Load(); err != nil {
			return nil, err
		}
		ca = f.CA
	}
	ln, err := listen(s.cfg.TLSListen, &s.closers)
	if err != nil {
		return nil, fmt.Errorf("--tls-listen: %w", err)
	}
	cfg := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12, NextProtos: []string{"http/1.1"}}
	return &tlsParts{ln: tls.NewListener(ln, cfg), url: "https://" + ln.Addr().String(), ca: ca}, nil
}

// serveTLS serves the edge's http.Server on the HTTPS listener too (the
// server's Shutdown closes both).
func (s *Server) serveTLS() {
	go func() {
		err := s.http.Serve(s.tls.ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		s.done <- err
	}()
	s.cfg.Logger.Info("agentcore server listening over HTTPS", "url", s.tls.url, "ca", s.tls.ca)
}
