package main

import (
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// spanNode is one span of GET /_agentcore/observability/traces/{id}?view=tree.
type spanNode struct {
	TraceID       string         `json:"traceId"`
	SpanID        string         `json:"spanId"`
	Name          string         `json:"name"`
	Start         time.Time      `json:"startTime"`
	End           time.Time      `json:"endTime"`
	Error         bool           `json:"error"`
	StatusMessage string         `json:"statusMessage"`
	ServiceName   string         `json:"serviceName"`
	Attributes    map[string]any `json:"attributes"`
	Children      []*spanNode    `json:"children"`
}

func newTracesCmd() *cobra.Command {
	var (
		t       target
		session string
		traceID string
		jsonOut bool
	)
	cmd := &cobra.Command{
		Use:   "traces",
		Short: "Print a session's traces as span trees with durations",
		Long: `Prints the traces of one runtime session (--session; the one invoke remembered when
omitted) or one trace (--trace) as trees of spans: the platform's (InvokeAgentRuntime,
sandbox.start) and the agent's own, each with its duration, errors marked, GenAI token
counts and evaluation scores shown.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			dir, err := os.Getwd()
			if err != nil {
				return err
			}
			pc, err := loadConfigOptional(dir)
			if err != nil {
				return err
			}
			c, err := t.co.connect(ctx, pc)
			if err != nil {
				return err
			}
			if session == "" && traceID == "" && pc != nil {
				session = pc.SessionID
			}
			ids := []string{traceID}
			if traceID == "" {
				if session == "" {
					return fmt.Errorf("no session: pass --session (invoke prints it) or --trace")
				}
				var s struct {
					Traces []struct {
						TraceID string `json:"traceId"`
					} `json:"traces"`
				}
				if err := extensionGet(ctx, c, "/_agentcore/observability/sessions/"+url.PathEscape(session), &s); err != nil {
					return err
				}
				if len(s.Traces) == 0 {
					return fmt.Errorf("no spans recorded for session %s (spans are stored a few seconds after they end; check the session id)", session)
				}
				ids = ids[:0]
				for _, tr := range s.Traces {
					ids = append(ids, tr.TraceID)
				}
			}
			out := cmd.OutOrStdout()
			for _, id := range ids {
				var tr struct {
					TraceID string      `json:"traceId"`
					Roots   []*spanNode `json:"roots"`
				}
				if err := extensionGet(ctx, c, "/_agentcore/observability/traces/"+url.PathEscape(id)+"?view=tree", &tr); err != nil {
					return err
				}
				if t.co.json(jsonOut) {
					if err := printJSONLine(out, tr); err != nil {
						return err
					}
					continue
				}
				fmt.Fprintf(out, "trace %s\n", tr.TraceID)
				for _, r := range tr.Roots {
					printSpan(out, r, "", r.Start)
				}
			}
			return nil
		},
	}
	t.addFlags(cmd)
	cmd.Flags().StringVarP(&session, "session", "s", "", "runtime session id (default: the one invoke remembered)")
	cmd.Flags().StringVar(&traceID, "trace", "", "one trace id instead of a session's")
	cmd.Flags().BoolVar(&jsonOut, "json", false, "print each trace's span tree as one JSON line (same as --output json)")
	return cmd
}

// printSpan prints a span and its children: offset from the trace start,
// duration, name, and what is worth seeing at a glance.
func printSpan(w io.Writer, n *spanNode, indent string, t0 time.Time) {
	var notes []string
	if n.Error {
		notes = append(notes, "ERROR "+n.StatusMessage)
	}
	for _, k := range []string{"gen_ai.request.model", "gen_ai.tool.name"} {
		if v, ok := n.Attributes[k]; ok {
			notes = append(notes, fmt.Sprint(v))
		}
	}
	if in, ok := n.Attributes["gen_ai.usage.input_tokens"]; ok {
		notes = append(notes, fmt.Sprintf("tokens %v in / %v out", in, n.Attributes["gen_ai.usage.output_tokens"]))
	}
	if v, ok := n.Attributes["gen_ai.evaluation.score.value"]; ok {
		notes = append(notes, fmt.Sprintf("score %v %v", v, n.Attributes["gen_ai.evaluation.score.label"]))
	}
	note := ""
	if len(notes) > 0 {
		note = "  (" + strings.Join(notes, ", ") + ")"
	}
	fmt.Fprintf(w, "%s+%-9s %9s  %s%s\n", indent, fmtDur(n.Start.Sub(t0)), fmtDur(n.End.Sub(n.Start)), n.Name, note)
	for _, ch := range n.Children {
		printSpan(w, ch, indent+"  ", t0)
	}
}

func fmtDur(d time.Duration) string {
	switch {
	case d < 0:
		return "0s"
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000)
	}
	return fmt.Sprintf("%.2fs", d.Seconds())
}

// printJSONLine writes v as one line of JSON.
func printJSONLine(w io.Writer, v any) error {
	return json.NewEncoder(w).Encode(v)
}
