package api_test

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"

	"github.com/agentcore-dev/agentcore/internal/testenv"
)

// TestReplicasRaceUpdates runs two servers on one PostgreSQL database (and
// one shared data directory, as replicas behind a load balancer would) and
// races writes through both to one runtime, one gateway and one policy
// engine: no update is lost, runtime versions are all distinct, both
// servers agree afterwards, and a change made through one server is served
// by the other at once (its live-version cache is invalidated by the
// store's change notifications).
func TestReplicasRaceUpdates(t *testing.T) {
	pg := testenv.Postgres(t, "e2e_race")
	cfg := testenv.Fast()
	cfg.Database = pg.DSN
	cfg.DataDir = t.TempDir()
	a := testenv.Start(t, cfg)
	b := testenv.Start(t, cfg)
	servers := []*testenv.Env{a, b}
	t.Run("runtime", func(t *testing.T) { raceRuntime(t, a, b) })
	t.Run("gateway", func(t *testing.T) { raceGateway(t, servers) })
	t.Run("policy", func(t *testing.T) { racePolicy(t, servers) })
}

// raceRuntime: concurrent UpdateAgentRuntime through both servers.
func raceRuntime(t *testing.T, a, b *testenv.Env) {
	rt := a.Deploy(t, "race_rt", nil)
	id := rt.AgentRuntimeId
	got, err := a.Control.GetAgentRuntime(bg, &ctl.GetAgentRuntimeInput{AgentRuntimeId: id})
	if err != nil {
		t.Fatal(err)
	}
	update := func(e *testenv.Env, desc string) (string, error) {
		// A runtime takes one update at a time: ConflictException while the
		// previous version is being prepared, so callers retry.
		deadline := time.Now().Add(2 * time.Minute)
		for {
			up, err := e.Control.UpdateAgentRuntime(bg, &ctl.UpdateAgentRuntimeInput{AgentRuntimeId: id,
				AgentRuntimeArtifact: got.AgentRuntimeArtifact, RoleArn: got.RoleArn, NetworkConfiguration: got.NetworkConfiguration,
				Description: aws.String(desc), EnvironmentVariables: map[string]string{"MODE": desc}})
			var ce *ctltypes.ConflictException
			if errors.As(err, &ce) && time.Now().Before(deadline) {
				time.Sleep(20 * time.Millisecond)
				continue
			}
			if err != nil {
				return "", err
			}
			return *up.AgentRuntimeVersion, nil
		}
	}
	const perServer = 3
	var mu sync.Mutex
	byVersion := map[string]string{}
	var wg sync.WaitGroup
	for si, e := range []*testenv.Env{a, b} {
		for w := 0; w < 2; w++ { // two callers per server
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; i < perServer; i++ {
					if i%2 != w {
						continue
					}
					desc := fmt.Sprintf("s%d-u%d", si, i)
					v, err := update(e, desc)
					if err != nil {
						t.Errorf("update %s: %v", desc, err)
						return
					}
					mu.Lock()
					if prev, dup := byVersion[v]; dup {
						t.Errorf("version %s returned to both %s and %s", v, prev, desc)
					}
					byVersion[v] = desc
					mu.Unlock()
				}
			}()
		}
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	total := 2 * perServer
	var vs []string
	for v := range byVersion {
		vs = append(vs, v)
	}
	sort.Strings(vs)
	if len(vs) != total {
		t.Fatalf("versions %v, want %d distinct", vs, total)
	}
	for n := 2; n <= total+1; n++ {
		if byVersion[fmt.Sprint(n)] == "" {
			t.Fatalf("versions %v: %d missing", vs, n)
		}
	}
	last := byVersion[fmt.Sprint(total+1)]
	a.WaitReady(t, *id, 2*time.Minute)
	for _, e := range []*testenv.Env{a, b} {
		g, err := e.Control.GetAgentRuntime(bg, &ctl.GetAgentRuntimeInput{AgentRuntimeId: id})
		if err != nil || *g.AgentRuntimeVersion != fmt.Sprint(total+1) || aws.ToString(g.Description) != last {
			t.Fatalf("latest on a server: %+v %v (want version %d %q)", g, err, total+1, last)
		}
		lv, err := e.Control.ListAgentRuntimeVersions(bg, &ctl.ListAgentRuntimeVersionsInput{AgentRuntimeId: id})
		if err != nil || len(lv.AgentRuntimes) != total+1 {
			t.Fatalf("versions on a server: %+v %v", lv, err)
		}
	}
	sessions := 0
	mode := func(e *testenv.Env, qualifier string) string {
		sessions++ // a session stays on the version it started with
		out, body, err := e.Invoke(bg, *rt.AgentRuntimeArn, testenv.SessionID(fmt.Sprint("race", sessions)), map[string]any{"envKeys": []string{"MODE"}}, qualifier)
		if err != nil {
			t.Fatalf("invoke %s: %v", qualifier, err)
		}
		_ = out
		m := decode(t, body)
		s, _ := m["env"].(map[string]any)["MODE"].(string)
		return s
	}
	if m := mode(b, ""); m != last {
		t.Fatalf("DEFAULT through the other server runs MODE %q, want %q", m, last)
	}

	// A named endpoint repointed through A is served at its new version by
	// B at once, although B had just cached the old one.
	if _, err := a.Control.CreateAgentRuntimeEndpoint(bg, &ctl.CreateAgentRuntimeEndpointInput{AgentRuntimeId: id, Name: aws.String("pin"), AgentRuntimeVersion: aws.String("2")}); err != nil {
		t.Fatal(err)
	}
	waitEndpointReady(t, a, *id, "pin")
	for round, v := range []int{3, 4, 2, 5} {
		before := mode(b, "pin")
		if _, err := a.Control.UpdateAgentRuntimeEndpoint(bg, &ctl.UpdateAgentRuntimeEndpointInput{AgentRuntimeId: id, EndpointName: aws.String("pin"), AgentRuntimeVersion: aws.String(fmt.Sprint(v))}); err != nil {
			t.Fatal(err)
		}
		want := byVersion[fmt.Sprint(v)]
		moved := time.Now()
		for {
			// The notification crosses the database asynchronously: an
			// invocation started 150 ms after the move (well under the
			// cache's one-second fallback TTL) must see it.
			started := time.Since(moved)
			got := mode(b, "pin")
			if got == want {
				break
			}
			if started > 150*time.Millisecond {
				t.Fatalf("round %d: B serves %q (before: %q) to an invocation started %v after A moved pin to version %d (%q)", round, got, before, started, v, want)
			}
			time.Sleep(10 * time.Millisecond)
		}
	}
}

func waitEndpointReady(t *testing.T, e *testenv.Env, id, name string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		ep, err := e.Control.GetAgentRuntimeEndpoint(bg, &ctl.GetAgentRuntimeEndpointInput{AgentRuntimeId: aws.String(id), EndpointName: aws.String(name)})
		if err != nil {
			t.Fatal(err)
		}
		if ep.Status == ctltypes.AgentRuntimeEndpointStatusReady {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("endpoint %s: %s", name, ep.Status)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// raceGateway: concurrent renames through both servers. A lost update would
// leave a name record behind (a name nobody owns but nobody can take).
func raceGateway(t *testing.T, servers []*testenv.Env) {
	gw := createGateway(t, servers[0], "race-gw", nil)
	names := []string{}
	var wg sync.WaitGroup
	for si, e := range servers {
		for i := 0; i < 4; i++ {
			name := fmt.Sprintf("race-gw-s%d-%d", si, i)
			names = append(names, name)
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := e.Control.UpdateGateway(bg, &ctl.UpdateGatewayInput{GatewayIdentifier: gw.GatewayId, Name: aws.String(name),
					RoleArn: aws.String(testenv.RoleArn), AuthorizerType: ctltypes.AuthorizerTypeNone, ProtocolType: ctltypes.GatewayProtocolTypeMcp,
					Description: aws.String(name)}); err != nil {
					t.Errorf("UpdateGateway %s: %v", name, err)
				}
			}()
		}
	}
	wg.Wait()
	var final string
	for _, e := range servers {
		g, err := e.Control.GetGateway(bg, &ctl.GetGatewayInput{GatewayIdentifier: gw.GatewayId})
		if err != nil {
			t.Fatal(err)
		}
		if final == "" {
			final = *g.Name
		}
		if *g.Name != final || aws.ToString(g.Description) != final {
			t.Fatalf("servers disagree or name/description from different updates: %q %q vs %q", *g.Name, aws.ToString(g.Description), final)
		}
	}
	// Every name but the final one is free again.
	for i, name := range append(names, "race-gw") {
		if name == final {
			continue
		}
		if _, err := servers[i%2].Control.CreateGateway(bg, &ctl.CreateGatewayInput{Name: aws.String(name), RoleArn: aws.String(testenv.RoleArn),
			AuthorizerType: ctltypes.AuthorizerTypeNone, ProtocolType: ctltypes.GatewayProtocolTypeMcp}); err != nil {
			t.Fatalf("name %s of an earlier update is still taken (lost update): %v", name, err)
		}
	}
	if _, err := servers[1].Control.CreateGateway(bg, &ctl.CreateGatewayInput{Name: aws.String(final), RoleArn: aws.String(testenv.RoleArn),
		AuthorizerType: ctltypes.AuthorizerTypeNone, ProtocolType: ctltypes.GatewayProtocolTypeMcp}); !isConflict(err) {
		t.Fatalf("the final name %s must stay taken: %v", final, err)
	}

	// One clientToken sent to both servers at once creates one gateway, and
	// both answers name it (the second waits for the first's answer).
	for round := 0; round < 3; round++ {
		token := fmt.Sprintf("race-token-%d-0123456789abcdef0123456789", round)
		ids := make([]string, len(servers))
		for i, e := range servers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				out, err := e.Control.CreateGateway(bg, &ctl.CreateGatewayInput{Name: aws.String(fmt.Sprint("idem-gw-", round)), ClientToken: aws.String(token),
					RoleArn: aws.String(testenv.RoleArn), AuthorizerType: ctltypes.AuthorizerTypeNone, ProtocolType: ctltypes.GatewayProtocolTypeMcp})
				if err != nil {
					t.Errorf("CreateGateway with a shared clientToken through server %d: %v", i, err)
					return
				}
				ids[i] = *out.GatewayId
			}()
		}
		wg.Wait()
		if t.Failed() || ids[0] != ids[1] {
			t.Fatalf("round %d: one clientToken made gateways %v", round, ids)
		}
	}
}

// racePolicy: concurrent UpdatePolicyEngine and CreatePolicy through both
// servers: every policy is stored, the engine keeps one written description,
// and both servers evaluate the same policy set.
func racePolicy(t *testing.T, servers []*testenv.Env) {
	eng := createEngine(t, servers[0], "race_engine")
	var wg sync.WaitGroup
	descs := map[string]bool{}
	const perServer = 4
	for si, e := range servers {
		for i := 0; i < perServer; i++ {
			desc := fmt.Sprintf("s%d-%d", si, i)
			descs[desc] = true
			wg.Add(2)
			go func() {
				defer wg.Done()
				if _, err := e.Control.UpdatePolicyEngine(bg, &ctl.UpdatePolicyEngineInput{PolicyEngineId: eng.PolicyEngineId,
					Description: &ctltypes.UpdatedDescription{OptionalValue: aws.String(desc)}}); err != nil {
					t.Errorf("UpdatePolicyEngine %s: %v", desc, err)
				}
			}()
			go func() {
				defer wg.Done()
				if _, err := e.Control.CreatePolicy(bg, &ctl.CreatePolicyInput{PolicyEngineId: eng.PolicyEngineId, Name: aws.String("p_" + desc[:2] + "_" + desc[3:]),
					Definition: cedarDef(`permit(principal, action, resource);`), ValidationMode: ctltypes.PolicyValidationModeIgnoreAllFindings}); err != nil {
					t.Errorf("CreatePolicy %s: %v", desc, err)
				}
			}()
		}
	}
	wg.Wait()
	var final string
	for _, e := range servers {
		g, err := e.Control.GetPolicyEngine(bg, &ctl.GetPolicyEngineInput{PolicyEngineId: eng.PolicyEngineId})
		if err != nil {
			t.Fatal(err)
		}
		d := aws.ToString(g.Description)
		if !descs[d] || (final != "" && d != final) {
			t.Fatalf("engine description %q (other server %q)", d, final)
		}
		final = d
		ps, err := e.Control.ListPolicies(bg, &ctl.ListPoliciesInput{PolicyEngineId: eng.PolicyEngineId})
		if err != nil || len(ps.Policies) != 2*perServer {
			t.Fatalf("policies on a server: %d %v, want %d", len(ps.Policies), err, 2*perServer)
		}
	}
}
