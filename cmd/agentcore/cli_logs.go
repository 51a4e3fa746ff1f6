package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// logRecord is one entry of GET /_agentcore/observability/logs.
type logRecord struct {
	Time      time.Time `json:"time"`
	SessionID string    `json:"sessionId"`
	TraceID   string    `json:"traceId"`
	Stream    string    `json:"stream"`
	Severity  string    `json:"severity"`
	Body      string    `json:"body"`
}

type logsOpts struct {
	t       target
	session string
	since   time.Duration
	follow  bool
	errors  bool
	jsonOut bool
}

func newLogsCmd() *cobra.Command {
	var o logsOpts
	cmd := &cobra.Command{
		Use:   "logs",
		Short: "Print the agent's logs (stdout, stderr and OTLP log records) of the project's runtime or one session",
		Long: `Prints the logs the server keeps for the project's agent runtime (or --arn), oldest first:
the agent's stdout and stderr lines and the OTLP log records it exported, each with its
time, stream and session. --session narrows them to one session (the one an error
message names, or the one invoke printed); --follow keeps printing new lines.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error { return o.run(cmd) },
	}
	o.t.addFlags(cmd)
	f := cmd.Flags()
	f.StringVarP(&o.session, "session", "s", "", "only this runtime session")
	f.DurationVar(&o.since, "since", time.Hour, "how far back to start")
	f.BoolVarP(&o.follow, "follow", "f", false, "keep printing new lines until interrupted")
	f.BoolVar(&o.errors, "errors", false, "only stderr and records of severity ERROR or above")
	f.BoolVar(&o.jsonOut, "json", false, "print one JSON record per line (same as --output json)")
	return cmd
}

func (o *logsOpts) run(cmd *cobra.Command) error {
	ctx := cmd.Context()
	dir, err := os.Getwd()
	if err != nil {
		return err
	}
	c, arn, err := o.t.runtimeARN(ctx, dir, o.session != "")
	if err != nil {
		return err
	}
	o.jsonOut = o.t.co.json(o.jsonOut)
	q := url.Values{"limit": {"1000"}}
	if arn != "" {
		q.Set("runtimeArn", arn)
	}
	if o.session != "" {
		q.Set("sessionId", o.session)
	}
	if o.errors {
		q.Set("errors", "true")
	}
	from := time.Now().Add(-o.since)
	seen := map[string]bool{} // records at the last instant already printed
	out := cmd.OutOrStdout()
	for {
		q.Set("from", from.UTC().Format(time.RFC3339Nano))
		q.Del("nextToken")
		for {
			var page struct {
				Logs      []logRecord `json:"logs"`
				NextToken string      `json:"nextToken"`
			}
			if err := extensionGet(ctx, c, "/_agentcore/observability/logs?"+q.Encode(), &page); err != nil {
				return err
			}
			for _, r := range page.Logs {
				key := r.Time.String() + "\x00" + r.SessionID + "\x00" + r.Body
				if seen[key] {
					continue
				}
				if r.Time.After(from) {
					from, seen = r.Time, map[string]bool{}
				}
				seen[key] = true
				if err := o.print(out, r); err != nil {
					return err
				}
			}
			if page.NextToken == "" {
				break
			}
			q.Set("nextToken", page.NextToken)
		}
		if !o.follow {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(time.Second):
		}
	}
}

func (o *logsOpts) print(w io.Writer, r logRecord) error {
	if o.jsonOut {
		return printJSONLine(w, r)
	}
	stream := r.Stream
	if r.Severity != "" && r.Stream == "otlp" {
		stream = strings.ToLower(r.Severity)
	}
	sess := ""
	if o.session == "" && r.SessionID != "" {
		sess = " " + shortID(r.SessionID)
	}
	_, err := fmt.Fprintf(w, "%s [%s]%s %s\n", r.Time.Local().Format("15:04:05.000"), stream, sess, strings.TrimRight(r.Body, "\n"))
	return err
}

// runtimeARN resolves --arn or the project's runtime. Without either it is
// an error unless optional (a session alone identifies what to show).
func (t *target) runtimeARN(ctx context.Context, dir string, optional bool) (*clients, string, error) {
	pc, err := loadConfigOptional(dir)
	if err != nil {
		return nil, "", err
	}
	c, err := t.co.connect(ctx, pc)
	if err != nil {
		return nil, "", err
	}
	arn := t.arn
	if arn == "" && pc != nil {
		arn = pc.AgentARN
	}
	if arn == "" && !optional {
		return nil, "", fmt.Errorf("no agent runtime: run this in a project directory after `agentcore deploy`, or pass --arn or --session")
	}
	return c, arn, nil
}

// shortID keeps the start of a long id for a column.
func shortID(id string) string {
	if len(id) > 12 {
		return id[:12] + "…"
	}
	return id
}
