package console

import (
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/chromedp/chromedp"
	commonpb "go.opentelemetry.io/proto/otlp/common/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
)

// beforeSessionAPI drops the one error a server without console-auth's
// /console/api/session logs (its 404 means local mode to app.js).
func beforeSessionAPI(m chromedp.ConsoleMessage) bool {
	return m.Source == "network" && strings.HasSuffix(m.URL, "/console/api/session") && strings.Contains(m.Text, "404")
}

// TestConsolePages: on data created through the AWS SDK (a runtime, two
// sessions, a traced invocation), every console-ui page loads in headless
// Chromium without console errors or exceptions and shows that data; the
// trace waterfall nests the agent's spans under the platform's invocation
// span; the invoke box streams the agent's answer.
func TestConsolePages(t *testing.T) {
	b := StartBrowser(t)
	e := localServer(t)
	s := seed(t, e)
	p := b.NewPage(t)
	p.Ignore = beforeSessionAPI

	pages := []struct{ name, path, want string }{
		{"overview", "/console/", s.name},
		{"runtime", "/console/runtimes/" + s.runtimeID, s.arn},
		{"session", "/console/sessions/" + s.runtimeID + "/" + s.session, "agent.handle"},
		{"tools", "/console/code-interpreters", "aws.codeinterpreter.v1"},
		{"evaluations", "/console/evaluations", "Scores per session"},
	}
	for _, pg := range pages {
		p.Visit(t, e.URL+pg.path)
		p.WaitReady(t, pg.name)
		text := Eval[string](t, p, `document.getElementById('main').innerText`)
		if !strings.Contains(text, pg.want) {
			t.Fatalf("%s page does not show %q:\n%s", pg.name, pg.want, text)
		}
		p.NoErrors(t, pg.name+" page")
	}

	t.Run("OverviewCharts", func(t *testing.T) {
		p.Visit(t, e.URL+"/console/")
		p.Wait(t, "figure svg.chart path.s0", 0)
		n := Eval[int](t, p, `document.querySelectorAll('.charts figure').length`)
		cards := Eval[string](t, p, `document.querySelector('.cards').innerText`)
		if n != 4 || !strings.Contains(cards, "Invocations") {
			t.Fatalf("overview: %d charts, cards %q", n, cards)
		}
		// The three invocations are counted (the card reads the series).
		if inv := Eval[string](t, p, `[...document.querySelectorAll('.card')].find(c => c.innerText.includes('Invocations')).querySelector('.v').innerText`); inv != "3" {
			t.Fatalf("invocations card %q, want 3", inv)
		}
		p.NoErrors(t, "overview charts")
	})

	t.Run("LiveSessions", func(t *testing.T) {
		// A session started through the SDK while the overview is open
		// appears without a reload.
		p.Visit(t, e.URL+"/console/")
		Eval[bool](t, p, `window.notReloaded = true`)
		live := testenv.SessionID("console-live")
		e.InvokeJSON(t, s.arn, live, map[string]any{})
		p.Wait(t, fmt.Sprintf(`a[href$=%q]`, "/"+live), 15*time.Second)
		if !Eval[bool](t, p, `window.notReloaded === true`) {
			t.Fatal("the page reloaded")
		}
		p.NoErrors(t, "overview, live sessions")
	})

	t.Run("EvaluationTrend", func(t *testing.T) {
		// Evaluation result spans (as online evaluation writes them into
		// the evaluated session) make the evaluator's trend line.
		now := time.Now()
		var spans []*tracepb.Span
		for i, v := range []float64{0.5, 0.75, 1} {
			at := now.Add(time.Duration(i-3) * time.Minute)
			spans = append(spans, &tracepb.Span{TraceId: []byte("console-eval-tr" + fmt.Sprint(i)), SpanId: []byte("evalsp0" + fmt.Sprint(i)),
				Name: "evaluation", StartTimeUnixNano: uint64(at.UnixNano()), EndTimeUnixNano: uint64(at.Add(time.Millisecond).UnixNano()),
				Attributes: []*commonpb.KeyValue{str("session.id", s.session), str("gen_ai.evaluation.name", "Builtin.Helpfulness"),
					{Key: "gen_ai.evaluation.score.value", Value: &commonpb.AnyValue{Value: &commonpb.AnyValue_DoubleValue{DoubleValue: v}}}}})
		}
		postSpans(t, e.URL, "agentcore-evaluation", spans)
		deadline := time.Now().Add(15 * time.Second)
		for {
			p.Visit(t, e.URL+"/console/evaluations")
			text := Eval[string](t, p, `document.getElementById('h-score-trend').parentElement.innerText`)
			if strings.Contains(text, "Builtin.Helpfulness") && Eval[int](t, p, `document.querySelectorAll('#h-score-trend ~ * svg.chart path, #h-score-trend ~ * svg.chart circle').length`) > 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("score trend without the evaluator: %s", text)
			}
			time.Sleep(300 * time.Millisecond)
		}
		p.NoErrors(t, "evaluations page")
	})

	t.Run("Waterfall", func(t *testing.T) {
		p.Visit(t, e.URL+"/console/sessions/"+s.runtimeID+"/"+s.session)
		p.Wait(t, `.wf-row[data-name="agent.handle"]`, 0)
		// Each row carries its span's parent and depth: agent.handle is a
		// child of the invocation span, llm.call of agent.handle, and
		// the rows come in tree order.
		got := Eval[string](t, p, `(() => {
			const rows = [...document.querySelectorAll('.wf-row[data-span-id]')];
			const by = n => rows.find(r => r.dataset.name === n && (n !== 'InvokeAgentRuntime' || rows.some(c => c.dataset.parentSpanId === r.dataset.spanId)));
			const inv = by('InvokeAgentRuntime'), agent = by('agent.handle'), llm = by('llm.call');
			if (!inv || !agent || !llm) return 'missing rows: ' + rows.map(r => r.dataset.name).join(',');
			return [agent.dataset.parentSpanId === inv.dataset.spanId, llm.dataset.parentSpanId === agent.dataset.spanId,
				+agent.dataset.depth === +inv.dataset.depth + 1, +llm.dataset.depth === +agent.dataset.depth + 1,
				rows.indexOf(inv) < rows.indexOf(agent) && rows.indexOf(agent) < rows.indexOf(llm),
				inv.dataset.kind, agent.dataset.kind].join(',');
		})()`)
		if got != "true,true,true,true,true,platform,agent" {
			t.Fatalf("waterfall nesting: %s", got)
		}
		// A span's attributes open under its row.
		p.Click(t, `.wf-row[data-name="llm.call"] .wf-name`)
		p.Wait(t, `.wf-attrs`, 0)
		attrs := Eval[string](t, p, `document.querySelector('.wf-attrs').innerText`)
		if !strings.Contains(attrs, "gen_ai.request.model") || !strings.Contains(attrs, "test-model") {
			t.Fatalf("span attributes: %s", attrs)
		}
		usage := Eval[string](t, p, `document.getElementById('h-token-usage').parentElement.innerText`)
		if !strings.Contains(usage, "test-model") || !strings.Contains(usage, "12") || !strings.Contains(usage, "34") {
			t.Fatalf("token usage: %s", usage)
		}
		p.NoErrors(t, "session page")
	})

	t.Run("InvokeStreams", func(t *testing.T) {
		p.Visit(t, e.URL+"/console/runtimes/"+url.PathEscape(s.runtimeID))
		p.Wait(t, "#invoke-submit", 0)
		if err := chromedp.Do(p.Ctx, chromedp.SetValue(chromedp.ID("invoke-payload"), `{"action":"stream","n":6,"delayMs":150}`)); err != nil {
			t.Fatal(err)
		}
		// Record each change of the output while the answer streams.
		type result struct {
			Updates [][2]float64 `json:"seen"`
			Text    string       `json:"text"`
			Err     string       `json:"err"`
		}
		r := Eval[result](t, p, `new Promise(res => {
			const out = document.getElementById('invoke-output'), seen = [];
			const mo = new MutationObserver(() => seen.push([performance.now(), out.textContent.length]));
			mo.observe(out, {childList: true, characterData: true, subtree: true});
			document.getElementById('invoke-submit').click();
			const check = () => {
				const done = document.querySelector('.invoke .badge.ok'), err = document.querySelector('.invoke .error');
				if (done || err) { mo.disconnect(); res({seen, text: out.textContent, err: err ? err.textContent : ''}); }
				else setTimeout(check, 20);
			};
			check();
		})`)
		if r.Err != "" {
			t.Fatalf("invoke: %s", r.Err)
		}
		for i := range 6 {
			if !strings.Contains(r.Text, fmt.Sprintf(`"i":%d`, i)) && !strings.Contains(r.Text, fmt.Sprintf(`"i": %d`, i)) {
				t.Fatalf("event %d missing from the output:\n%s", i, r.Text)
			}
		}
		// Streamed: the text grew in several steps spread over the
		// agent's delays, not at once at the end.
		if len(r.Updates) < 3 || r.Updates[len(r.Updates)-1][0]-r.Updates[0][0] < 300 {
			t.Fatalf("the output did not stream: %d updates %v", len(r.Updates), r.Updates)
		}
		p.NoErrors(t, "invoke box")
	})
}

// TestConsoleOff: with --console=false no /console/ path is served.
func TestConsoleOff(t *testing.T) {
	cfg := testenv.Fast()
	cfg.DisableConsole = true
	e := testenv.Start(t, cfg)
	for _, p := range []string{"/console", "/console/", "/console/assets/app.js", "/console/runtimes/x"} {
		resp, err := http.Get(e.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusNotFound {
			t.Fatalf("GET %s with the console off: %d", p, resp.StatusCode)
		}
	}
	on := testenv.Start(t, testenv.Fast())
	resp, err := http.Get(on.URL + "/console/assets/app.js")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /console/assets/app.js with the console on (default): %d", resp.StatusCode)
	}
}
