package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/document"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	"github.com/spf13/cobra"
)

// newEvalCmd: `agentcore eval run` scores a stored session with evaluators
// (Evaluate through the AWS SDK over the session's documents, read from
// the server's /_agentcore/evaluations/session-documents), `agentcore eval
// results` lists a session's online evaluation results.
func newEvalCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "eval", Short: "Evaluate agent sessions (on demand) and read online evaluation results"}
	cmd.AddCommand(newEvalRunCmd(), newEvalResultsCmd())
	return cmd
}

func newEvalRunCmd() *cobra.Command {
	var (
		co         clientOpts
		evaluators []string
		session    string
		runtimeRef string
		traces     []string
		asJSON     bool
	)
	cmd := &cobra.Command{
		Use:   "run --evaluator ID [--evaluator ID...] --session SID [--runtime NAME|ID|ARN] [--trace TID...]",
		Short: "Score a session's stored traces with one or more evaluators",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if len(evaluators) == 0 || session == "" {
				return fmt.Errorf("--evaluator and --session are required")
			}
			c, err := co.connect(ctx, nil)
			if err != nil {
				return err
			}
			docs, err := sessionDocuments(ctx, c, session, runtimeRef)
			if err != nil {
				return err
			}
			if len(docs) == 0 {
				return fmt.Errorf("session %s has no stored spans", session)
			}
			spans := make([]document.Interface, len(docs))
			for i, d := range docs {
				spans[i] = document.NewLazyDocument(d)
			}
			var rows []types.EvaluationResultContent
			for _, ev := range evaluators {
				in := &bedrockagentcore.EvaluateInput{EvaluatorId: aws.String(ev), EvaluationInput: &types.EvaluationInputMemberSessionSpans{Value: spans}}
				if len(traces) > 0 {
					in.EvaluationTarget = &types.EvaluationTargetMemberTraceIds{Value: traces}
				}
				out, err := c.data.Evaluate(ctx, in)
				if err != nil {
					return fmt.Errorf("evaluate with %s: %w", ev, apiError(err))
				}
				rows = append(rows, out.EvaluationResults...)
			}
			if co.json(asJSON) {
				out := make([]map[string]any, len(rows))
				for i, r := range rows {
					out[i] = evalResultJSON(r)
				}
				return printJSON(cmd.OutOrStdout(), out)
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "EVALUATOR\tTARGET\tSCORE\tLABEL\tEXPLANATION")
			for _, r := range rows {
				score := "-"
				if r.Value != nil {
					score = fmt.Sprintf("%.3g", *r.Value)
				}
				label, expl := aws.ToString(r.Label), aws.ToString(r.Explanation)
				if r.ErrorCode != nil {
					label, expl = "ERROR "+aws.ToString(r.ErrorCode), aws.ToString(r.ErrorMessage)
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", aws.ToString(r.EvaluatorId), evalTarget(r.Context), score, label, oneLine(expl, 100))
			}
			return w.Flush()
		},
	}
	co.addFlags(cmd)
	f := cmd.Flags()
	f.StringArrayVar(&evaluators, "evaluator", nil, "evaluator id (Builtin.Helpfulness, a custom evaluator's id); repeat for several")
	f.StringVar(&session, "session", "", "the session id (runtimeSessionId) to evaluate")
	f.StringVar(&runtimeRef, "runtime", "", "the agent runtime (name, id or ARN) the session belongs to (only its spans are used)")
	f.StringArrayVar(&traces, "trace", nil, "evaluate only this trace (TRACE-level evaluators); repeat for several")
	f.BoolVar(&asJSON, "json", false, "print the results as JSON (same as --output json)")
	return cmd
}

func newEvalResultsCmd() *cobra.Command {
	var (
		co      clientOpts
		session string
		asJSON  bool
	)
	cmd := &cobra.Command{
		Use:   "results --session SID",
		Short: "List the online evaluation results of a session",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			if session == "" {
				return fmt.Errorf("--session is required")
			}
			c, err := co.connect(ctx, nil)
			if err != nil {
				return err
			}
			var out struct {
				Evaluations []json.RawMessage `json:"evaluations"` // printed as the server sent them with --json
			}
			if err := extensionGet(ctx, c, "/_agentcore/evaluations?sessionId="+url.QueryEscape(session), &out); err != nil {
				return err
			}
			if co.json(asJSON) {
				return printJSON(cmd.OutOrStdout(), nonNil(out.Evaluations))
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "CONFIG\tEVALUATOR\tTARGET\tSCORE\tLABEL\tEXPLANATION")
			for _, raw := range out.Evaluations {
				var r struct {
					ConfigID     string   `json:"onlineEvaluationConfigId"`
					EvaluatorID  string   `json:"evaluatorId"`
					TraceID      string   `json:"traceId"`
					SpanID       string   `json:"spanId"`
					Value        *float64 `json:"value"`
					Label        string   `json:"label"`
					Explanation  string   `json:"explanation"`
					ErrorCode    string   `json:"errorCode"`
					ErrorMessage string   `json:"errorMessage"`
				}
				if err := json.Unmarshal(raw, &r); err != nil {
					return fmt.Errorf("reading the results: %w", err)
				}
				score, label, expl := "-", r.Label, r.Explanation
				if r.Value != nil {
					score = fmt.Sprintf("%.3g", *r.Value)
				}
				if r.ErrorCode != "" {
					label, expl = "ERROR "+r.ErrorCode, r.ErrorMessage
				}
				tg := "session"
				switch {
				case r.SpanID != "":
					tg = "span " + r.SpanID
				case r.TraceID != "":
					tg = "trace " + r.TraceID
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", r.ConfigID, r.EvaluatorID, tg, score, label, oneLine(expl, 100))
			}
			return w.Flush()
		},
	}
	co.addFlags(cmd)
	cmd.Flags().StringVar(&session, "session", "", "the session id")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the results as JSON (same as --output json)")
	return cmd
}

// sessionDocuments reads a session's spans and log records (ADOT documents)
// from the server; with a runtime, only documents of that runtime.
func sessionDocuments(ctx context.Context, c *clients, session, runtimeRef string) ([]map[string]any, error) {
	var out struct {
		Documents []map[string]any `json:"documents"`
	}
	if err := extensionGet(ctx, c, "/_agentcore/evaluations/session-documents?sessionId="+url.QueryEscape(session), &out); err != nil {
		return nil, err
	}
	if runtimeRef == "" {
		return out.Documents, nil
	}
	var kept []map[string]any
	for _, d := range out.Documents {
		res, _ := d["resource"].(map[string]any)
		attrs, _ := res["attributes"].(map[string]any)
		arn, _ := attrs["cloud.resource_id"].(string)
		if arn == "" || arn == runtimeRef || strings.HasSuffix(arn, ":runtime/"+runtimeRef) || // ARN, id
			strings.Contains(arn, ":runtime/"+runtimeRef+"-") || strings.HasPrefix(runtimeRef, arn+"/") { // name, endpoint ARN
			kept = append(kept, d)
		}
	}
	return kept, nil
}

// extensionGet GETs an /_agentcore/ path, SigV4-signed, into out.
func extensionGet(ctx context.Context, c *clients, path string, out any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.controlURL+path, nil)
	if err != nil {
		return err
	}
	if c.creds != nil {
		creds, err := c.creds.Retrieve(ctx)
		if err != nil {
			return fmt.Errorf("credentials: %w", err)
		}
		sum := sha256.Sum256(nil)
		h := hex.EncodeToString(sum[:])
		req.Header.Set("X-Amz-Content-Sha256", h)
		if err := v4.NewSigner().SignHTTP(ctx, creds, req, h, "bedrock-agentcore", c.region, time.Now()); err != nil {
			return fmt.Errorf("signing: %w", err)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return apiError(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return extensionError(resp)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	return json.Unmarshal(b, out)
}

func evalTarget(c types.Context) string {
	sc, ok := c.(*types.ContextMemberSpanContext)
	if !ok {
		return "-"
	}
	switch {
	case aws.ToString(sc.Value.SpanId) != "":
		return "span " + aws.ToString(sc.Value.SpanId)
	case aws.ToString(sc.Value.TraceId) != "":
		return "trace " + aws.ToString(sc.Value.TraceId)
	}
	return "session " + aws.ToString(sc.Value.SessionId)
}

func oneLine(s string, n int) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > n {
		s = s[:n-1] + "…"
	}
	return s
}

// nonNil is s, or an empty list: --json prints [] rather than null.
func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}
