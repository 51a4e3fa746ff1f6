// Command a2a-go-agent is an A2A agent for AgentCore Runtime (serverProtocol
// A2A) written with the official A2A Go SDK: JSON-RPC on port 9000 at "/"
// and its card at /.well-known/agent-card.json, as the AgentCore A2A
// contract asks. It speaks A2A v1.0 (clients sending A2A-Version: 1.0) and
// v0.3 (no A2A-Version header: message/send, message/stream, the form the
// AgentCore docs show), and its card is the v1.0/v0.3 union. Under
// agentcore's process sandbox it listens on the port given in PORT instead.
//
// A message "stream N <text>" is answered as a task whose artifact grows by
// one word every 100 ms; any other message gets a reply message
// "You said: <text> (session <runtime session id>, message <n>)".
package main

import (
	"context"
	"fmt"
	"iter"
	"log"
	"net"
	"net/http"
	"os"
	"strings"
	"sync/atomic"
	"time"

	"github.com/a2aproject/a2a-go/v2/a2a"
	"github.com/a2aproject/a2a-go/v2/a2acompat/a2av0"
	"github.com/a2aproject/a2a-go/v2/a2asrv"
)

type executor struct{ count atomic.Int64 }

func text(m *a2a.Message) string {
	var parts []string
	if m != nil {
		for _, p := range m.Parts {
			if t := p.Text(); t != "" {
				parts = append(parts, t)
			}
		}
	}
	return strings.Join(parts, " ")
}

type sessionKey struct{}

func (x *executor) Execute(ctx context.Context, ec *a2asrv.ExecutorContext) iter.Seq2[a2a.Event, error] {
	return func(yield func(a2a.Event, error) bool) {
		n := x.count.Add(1)
		in := text(ec.Message)
		session, _ := ctx.Value(sessionKey{}).(string)
		if words, ok := strings.CutPrefix(in, "stream "); ok {
			if ec.StoredTask == nil && !yield(a2a.NewSubmittedTask(ec, ec.Message), nil) {
				return
			}
			if !yield(a2a.NewStatusUpdateEvent(ec, a2a.TaskStateWorking, nil), nil) {
				return
			}
			id := a2a.NewArtifactID()
			for i, w := range strings.Fields(words) {
				time.Sleep(100 * time.Millisecond)
				ev := a2a.NewArtifactUpdateEvent(ec, id, a2a.NewTextPart(w))
				ev.Append = i > 0
				if !yield(ev, nil) {
					return
				}
			}
			yield(a2a.NewStatusUpdateEvent(ec, a2a.TaskStateCompleted, nil), nil)
			return
		}
		reply := fmt.Sprintf("You said: %s (session %s, message %d)", in, session, n)
		yield(a2a.NewMessageForTask(a2a.MessageRoleAgent, ec, a2a.NewTextPart(reply)), nil)
	}
}

func (*executor) Cancel(ctx context.Context, ec *a2asrv.ExecutorContext) iter.Seq2[a2a.Event, error] {
	return func(yield func(a2a.Event, error) bool) {
		yield(a2a.NewStatusUpdateEvent(ec, a2a.TaskStateCanceled, nil), nil)
	}
}

func main() {
	addr := "0.0.0.0:9000"
	if p := os.Getenv("PORT"); p != "" {
		addr = net.JoinHostPort("127.0.0.1", p)
	}
	// AgentCore sets AGENTCORE_RUNTIME_URL to the public URL; the platform
	// rewrites the card's URLs in GetAgentCard either way.
	public := os.Getenv("AGENTCORE_RUNTIME_URL")
	if public == "" {
		public = "http://localhost:9000/"
	}
	card := &a2a.AgentCard{
		Name:        "a2a-go-agent",
		Description: "Echoes messages and streams words (A2A Go SDK on AgentCore Runtime)",
		Version:     "1.0.0",
		SupportedInterfaces: []*a2a.AgentInterface{
			a2a.NewAgentInterface(public, a2a.TransportProtocolJSONRPC),
			{URL: public, ProtocolBinding: a2a.TransportProtocolJSONRPC, ProtocolVersion: a2av0.Version},
		},
		DefaultInputModes:  []string{"text"},
		DefaultOutputModes: []string{"text"},
		Capabilities:       a2a.AgentCapabilities{Streaming: true},
		Skills:             []a2a.AgentSkill{{ID: "echo", Name: "Echo", Description: "Echoes the message", Tags: []string{"echo"}}},
	}
	handler := a2asrv.NewHandler(&executor{})
	v1, v0 := a2asrv.NewJSONRPCHandler(handler), a2av0.NewJSONRPCHandler(handler)
	mux := http.NewServeMux()
	mux.Handle(a2asrv.WellKnownAgentCardPath, a2asrv.NewAgentCardHandler(a2av0.NewStaticAgentCardProducer(card)))
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		ctx := context.WithValue(r.Context(), sessionKey{}, r.Header.Get("X-Amzn-Bedrock-Agentcore-Runtime-Session-Id"))
		r = r.WithContext(ctx)
		if strings.HasPrefix(r.Header.Get("A2A-Version"), "1") {
			v1.ServeHTTP(w, r)
			return
		}
		v0.ServeHTTP(w, r)
	})
	log.Printf("A2A server on %s", addr)
	log.Fatal(http.ListenAndServe(addr, mux))
}
