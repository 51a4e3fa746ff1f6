package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	"github.com/google/uuid"
	"github.com/spf13/cobra"
)

const sessionHeader = "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id"

type invokeOpts struct {
	co         clientOpts
	arn        string
	sessionID  string
	newSession bool
	qualifier  string
	userID     string
	dev        bool
	devURL     string
	raw        bool
}

func newInvokeCmd() *cobra.Command {
	var o invokeOpts
	cmd := &cobra.Command{
		Use:   "invoke PAYLOAD",
		Short: "Invoke the deployed agent (InvokeAgentRuntime) and stream its answer",
		Long: `Sends PAYLOAD to the agent and writes its answer to stdout as it arrives.
PAYLOAD is JSON; anything else is sent as {"prompt": PAYLOAD}; "-" reads it
from stdin. For text/event-stream answers each "data: " payload is printed on
its own line (--raw prints the bytes unchanged). The session id goes to stderr
and is remembered in ` + configFile + `, so the next invoke continues the same
session unless --session-id or --new-session is given. On an A2A runtime a
payload that is not JSON-RPC is sent as an A2A message/send request and the
text of the answer is printed (a JSON-RPC error fails the command).

With --dev the payload goes to a local agent started by ` + "`agentcore dev`" + `
(POST {dev-url}/invocations) instead of the server.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error { return o.run(cmd, args[0]) },
	}
	f := cmd.Flags()
	o.co.addFlags(cmd)
	f.StringVar(&o.arn, "arn", "", "agent runtime ARN (default: the project's)")
	f.StringVarP(&o.sessionID, "session-id", "s", "", "runtime session id (33+ characters)")
	f.BoolVar(&o.newSession, "new-session", false, "start a new session instead of continuing the remembered one")
	f.StringVarP(&o.qualifier, "qualifier", "q", "", "endpoint name or version (default DEFAULT)")
	f.StringVar(&o.userID, "user-id", "", "runtime user id")
	f.BoolVar(&o.dev, "dev", false, "invoke the local agent of `agentcore dev`")
	f.StringVar(&o.devURL, "dev-url", "http://127.0.0.1:8080", "base URL of the local agent for --dev")
	f.BoolVar(&o.raw, "raw", false, "print the answer's bytes unchanged")
	return cmd
}

// payload parses the PAYLOAD argument.
func payload(arg string, stdin io.Reader) ([]byte, error) {
	b := []byte(arg)
	if arg == "-" {
		var err error
		if b, err = io.ReadAll(stdin); err != nil {
			return nil, err
		}
	}
	if json.Valid(b) {
		return b, nil
	}
	return json.Marshal(map[string]string{"prompt": strings.TrimRight(string(b), "\n")})
}

func (o *invokeOpts) run(cmd *cobra.Command, arg string) error {
	body, err := payload(arg, cmd.InOrStdin())
	if err != nil {
		return err
	}
	if o.dev {
		return o.runDev(cmd, body)
	}
	ctx := cmd.Context()
	dir, err := os.Getwd()
	if err != nil {
		return err
	}
	pc, err := loadConfigOptional(dir)
	if err != nil {
		return err
	}
	arn := o.arn
	remember := arn == "" && pc != nil
	if arn == "" {
		if pc == nil || pc.AgentARN == "" {
			return errors.New("no agent runtime ARN: run `agentcore deploy` first or pass --arn")
		}
		arn = pc.AgentARN
	}
	session := o.sessionID
	if session == "" && remember && !o.newSession {
		session = pc.SessionID
	}
	c, err := o.co.connect(ctx, pc)
	if err != nil {
		return err
	}
	a2a := remember && strings.EqualFold(pc.Protocol, "A2A")
	if a2a && !isJSONRPC(body) {
		body = a2aRequest(body) // cli_invoke_a2a.go
	}
	in := &bedrockagentcore.InvokeAgentRuntimeInput{
		AgentRuntimeArn: aws.String(arn), Payload: body,
		ContentType: aws.String("application/json"), Accept: aws.String("application/json, text/event-stream"),
	}
	if session != "" {
		in.RuntimeSessionId = aws.String(session)
	}
	if o.qualifier != "" {
		in.Qualifier = aws.String(o.qualifier)
	}
	if o.userID != "" {
		in.RuntimeUserId = aws.String(o.userID)
	}
	// No retries: an invocation is not idempotent.
	out, err := c.data.InvokeAgentRuntime(ctx, in, func(o *bedrockagentcore.Options) { o.Retryer = aws.NopRetryer{} })
	if err != nil {
		return apiError(err)
	}
	defer out.Response.Close()
	session = aws.ToString(out.RuntimeSessionId)
	fmt.Fprintf(cmd.ErrOrStderr(), "Session: %s\n", session)
	if remember && session != pc.SessionID {
		pc.SessionID = session
		if err := pc.save(dir); err != nil {
			return err
		}
	}
	if o.co.json(false) && !o.raw {
		return printInvokeJSON(cmd.OutOrStdout(), out) // cli_invoke_json.go
	}
	if a2a && !o.raw && !strings.HasPrefix(aws.ToString(out.ContentType), "text/event-stream") {
		return printA2A(cmd.OutOrStdout(), out.Response)
	}
	return printAnswer(cmd.OutOrStdout(), out.Response, aws.ToString(out.ContentType), o.raw)
}

// runDev posts to the local agent the way the service would.
func (o *invokeOpts) runDev(cmd *cobra.Command, body []byte) error {
	session := o.sessionID
	if session == "" {
		session = uuid.NewString()
	}
	req, err := http.NewRequestWithContext(cmd.Context(), http.MethodPost, strings.TrimRight(o.devURL, "/")+"/invocations", bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json, text/event-stream")
	req.Header.Set(sessionHeader, session)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("local agent: %w (is `agentcore dev` running?)", err)
	}
	defer resp.Body.Close()
	fmt.Fprintf(cmd.ErrOrStderr(), "Session: %s\n", session)
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
		return fmt.Errorf("local agent answered %s: %s", resp.Status, strings.TrimSpace(string(b)))
	}
	return printAnswer(cmd.OutOrStdout(), resp.Body, resp.Header.Get("Content-Type"), o.raw)
}

// printAnswer copies an answer to w as it arrives. Event streams are reduced
// to their data payloads, one per line, unless raw.
func printAnswer(w io.Writer, r io.Reader, contentType string, raw bool) error {
	if !raw && strings.HasPrefix(strings.ToLower(contentType), "text/event-stream") {
		return printEvents(w, r)
	}
	var last byte
	buf := make([]byte, 32<<10)
	for {
		n, err := r.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return werr
			}
			last = buf[n-1]
		}
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return fmt.Errorf("reading answer: %w", err)
		}
	}
	if !raw && last != 0 && last != '\n' {
		_, err := io.WriteString(w, "\n")
		return err
	}
	return nil
}

// printEvents prints the payload of every "data:" line of an SSE stream as
// soon as the line is complete.
func printEvents(w io.Writer, r io.Reader) error {
	br := bufio.NewReader(r)
	for {
		line, err := br.ReadString('\n')
		if data, ok := strings.CutPrefix(line, "data:"); ok {
			data = strings.TrimPrefix(strings.TrimRight(data, "\r\n"), " ")
			if _, werr := fmt.Fprintln(w, data); werr != nil {
				return werr
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("reading event stream: %w", err)
		}
	}
}
