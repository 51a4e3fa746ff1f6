package runtime

import (
	"context"
	"net"
	"slices"
	"strconv"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/sandbox"
)

// OTLPPort is where an agent finds the platform's OTLP/HTTP receiver inside
// its environment (the OTLP/HTTP default port), under drivers that give each
// session its own network namespace. Under the process driver the receiver
// is on a free host loopback port instead, and the environment says which.
const OTLPPort = 4318

// TelemetryTag names where telemetry received from one environment comes
// from.
type TelemetryTag struct {
	Account    string
	RuntimeARN string
	// SessionID returns the runtimeSessionId the environment serves; ""
	// while a warm-pool environment waits for its session.
	SessionID func() string
}

// OTLPServer serves OTLP/HTTP on ln (inside one session's environment) until
// the returned stop is called; stop also closes ln and open connections.
type OTLPServer func(ln net.Listener, tag TelemetryTag) (stop func())

// otlpEnv are the variables that point any OpenTelemetry SDK at the receiver.
func otlpEnv(env []string, endpoint string) []string {
	env = setEnv(env, "OTEL_EXPORTER_OTLP_ENDPOINT", endpoint)
	return setEnv(env, "OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
}

// apiEnv points an agent's AgentCore SDK clients at endpoint (the platform
// API served inside its own network namespace).
func apiEnv(env []string, endpoint string) []string {
	for _, k := range []string{"AWS_ENDPOINT_URL_BEDROCK_AGENTCORE", "AWS_ENDPOINT_URL_BEDROCK_AGENTCORE_CONTROL", "AGENTCORE_ENDPOINT"} {
		if slices.ContainsFunc(env, func(kv string) bool { return strings.HasPrefix(kv, k+"=") }) {
			env = setEnv(env, k, endpoint)
		}
	}
	return env
}

// setEnv replaces or adds k in a K=V list (a copy; the input is not changed).
func setEnv(env []string, k, v string) []string {
	out := slices.Clone(env)
	for i, kv := range out {
		if strings.HasPrefix(kv, k+"=") {
			out[i] = k + "=" + v
			return out
		}
	}
	return append(out, k+"="+v)
}

// hasEnv reports whether env sets k.
func hasEnv(env []string, k string) bool {
	return slices.ContainsFunc(env, func(kv string) bool { return strings.HasPrefix(kv, k+"=") })
}

// startTelemetry opens the session's OTLP receiver when the launch asks for
// one and the driver can serve inside environments. Called before Start
// (pre=true: drivers sharing the host network listen now, so the endpoint in
// the environment is the real port) and after Start (pre=false: namespaced
// instances listen on OTLPPort in their own namespace). It returns the
// environment to start with (pre) and records the stop function in sess.
func (s *Sessions) startTelemetry(ctx context.Context, sess *Session, L *Launch, inst sandbox.Instance) {
	if L.OTLP == nil || sess.otlpStop != nil {
		return
	}
	var (
		ln  net.Listener
		err error
	)
	if inst == nil {
		dl, ok := s.o.Driver.(sandbox.Listener)
		if !ok {
			if s.o.Driver.Capabilities().FixedPorts {
				L.Spec.Env = otlpEnv(L.Spec.Env, "http://127.0.0.1:"+strconv.Itoa(OTLPPort))
				if L.SessionAPI {
					L.Spec.Env = apiEnv(L.Spec.Env, "http://127.0.0.1:"+strconv.Itoa(OTLPPort))
				}
			}
			return
		}
		if ln, err = dl.Listen(ctx, OTLPPort); err == nil {
			L.Spec.Env = otlpEnv(L.Spec.Env, "http://"+ln.Addr().String())
		}
	} else {
		if _, pre := s.o.Driver.(sandbox.Listener); pre {
			return
		}
		il, ok := inst.(sandbox.Listener)
		if !ok {
			return
		}
		ln, err = il.Listen(ctx, OTLPPort)
	}
	if err != nil {
		s.log.Warn("session OTLP receiver not started", "runtime", sess.RuntimeID, "session", sess.ID, "err", err)
		return
	}
	sess.otlpStop = L.OTLP(ln, sess.telemetryID)
}

// telemetryID is the session id telemetry is recorded under.
func (s *Session) telemetryID() string {
	if p := s.boundID.Load(); p != nil {
		return *p
	}
	return ""
}

// stopTelemetry ends the session's OTLP receiver (after the agent exited, so
// what it flushed on its way out has been received).
func (s *Session) stopTelemetry() {
	if s.otlpStop != nil {
		s.otlpStop()
		s.otlpStop = nil
	}
}

// otlpFor is the Launch.OTLP of a session of runtimeARN, nil when no
// receiver is configured or the runtime's environment already points its
// SDK elsewhere (its environmentVariables win, as for every variable).
func (s *Service) otlpFor(acct, runtimeARN string, env []string) func(net.Listener, func() string) func() {
	if s.otlp == nil || hasEnv(env, "OTEL_EXPORTER_OTLP_ENDPOINT") || hasEnv(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") {
		return nil
	}
	return func(ln net.Listener, sessionID func() string) func() {
		return s.otlp(ln, TelemetryTag{Account: acct, RuntimeARN: runtimeARN, SessionID: sessionID})
	}
}
