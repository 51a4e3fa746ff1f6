package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	"github.com/spf13/cobra"
)

// builtinBrowser is the browser every account has.
const builtinBrowser = "aws.browser.v1"

// liveViewExpiry is how long a printed live-view URL is valid (the
// bedrock-agentcore SDK's maximum).
const liveViewExpiry = 300

func newBrowserCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "browser",
		Short: "Start, list and stop browser sessions (headless Chromium driven over CDP)",
		Long: `Browser sessions are sandboxed headless Chromium instances (AgentCore Browser).
` + "`start`" + ` prints the session's automation stream (a WebSocket speaking the Chrome
DevTools Protocol, signed with SigV4 headers: Playwright connect_over_cdp) and a
presigned live-view URL to open in a web browser. These verbs use the same API
as the AWS SDKs (StartBrowserSession, StopBrowserSession, ListBrowserSessions).`,
	}
	cmd.AddCommand(newBrowserStartCmd(), newBrowserStopCmd(), newBrowserSessionsCmd())
	return cmd
}

// brOpts are the flags every browser verb takes.
type brOpts struct {
	co      clientOpts
	browser string
}

func (o *brOpts) addFlags(cmd *cobra.Command) {
	o.co.addFlags(cmd)
	cmd.Flags().StringVar(&o.browser, "browser", builtinBrowser, "browser identifier (the built-in one, or a custom browser's id)")
}

// connect builds the clients (the project's endpoint and region apply when
// run in a project directory).
func (o *brOpts) connect(ctx context.Context) (*clients, error) {
	dir, err := os.Getwd()
	if err != nil {
		return nil, err
	}
	pc, err := loadConfigOptional(dir)
	if err != nil {
		return nil, err
	}
	return o.co.connect(ctx, pc)
}

// parseViewport reads WIDTHxHEIGHT.
func parseViewport(s string) (*types.ViewPort, error) {
	w, h, ok := strings.Cut(strings.ToLower(s), "x")
	wi, err1 := strconv.Atoi(w)
	hi, err2 := strconv.Atoi(h)
	if !ok || err1 != nil || err2 != nil || wi <= 0 || hi <= 0 {
		return nil, fmt.Errorf("--viewport %q: want WIDTHxHEIGHT, e.g. 1280x720", s)
	}
	return &types.ViewPort{Width: aws.Int32(int32(wi)), Height: aws.Int32(int32(hi))}, nil
}

func newBrowserStartCmd() *cobra.Command {
	var o brOpts
	var timeout int32
	var viewport, name string
	cmd := &cobra.Command{
		Use:   "start [--browser ID] [--timeout S] [--viewport WxH]",
		Short: "Start a browser session; print its id, automation stream URL and a live-view URL",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			in := &bedrockagentcore.StartBrowserSessionInput{BrowserIdentifier: aws.String(o.browser),
				Name: aws.String(name), SessionTimeoutSeconds: aws.Int32(timeout)}
			if name == "" {
				in.Name = aws.String("cli-" + randomHex(4))
			}
			if viewport != "" {
				vp, err := parseViewport(viewport)
				if err != nil {
					return err
				}
				in.ViewPort = vp
			}
			c, err := o.connect(cmd.Context())
			if err != nil {
				return err
			}
			out, err := c.data.StartBrowserSession(cmd.Context(), in)
			if err != nil {
				return apiError(err)
			}
			if o.co.json(false) {
				return printBrowserStart(cmd, c, out)
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "Session:     %s\n", aws.ToString(out.SessionId))
			if out.Streams == nil || out.Streams.AutomationStream == nil {
				return nil
			}
			fmt.Fprintf(w, "Automation:  %s\n", aws.ToString(out.Streams.AutomationStream.StreamEndpoint))
			if lv := out.Streams.LiveViewStream; lv != nil && aws.ToString(lv.StreamEndpoint) != "" {
				u, err := presignLiveView(cmd.Context(), c.creds, c.region, aws.ToString(lv.StreamEndpoint), liveViewExpiry, time.Now())
				if err != nil {
					return fmt.Errorf("presigning the live-view URL: %w", err)
				}
				fmt.Fprintf(w, "Live view:   %s\n", u)
				fmt.Fprintf(w, "             (valid %d s; `agentcore browser stop --session %s` ends the session)\n", liveViewExpiry, aws.ToString(out.SessionId))
			}
			return nil
		},
	}
	o.addFlags(cmd)
	f := cmd.Flags()
	f.Int32Var(&timeout, "timeout", 3600, "session lifetime in seconds (1-28800)")
	f.StringVar(&viewport, "viewport", "", "page size WIDTHxHEIGHT (320-3840 x 240-2160; default: the server's, 1280x720)")
	f.StringVar(&name, "name", "", "session name (default: cli-<random>)")
	return cmd
}

// presignLiveView signs a GET of the live-view URL in its query string
// (SigV4, service bedrock-agentcore), valid for expires seconds, as the
// bedrock-agentcore SDK's generate_live_view_url does.
func presignLiveView(ctx context.Context, creds aws.CredentialsProvider, region, liveView string, expires int, now time.Time) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.Replace(liveView, "wss://", "https://", 1), nil)
	if err != nil {
		return "", err
	}
	q := req.URL.Query()
	q.Set("X-Amz-Expires", strconv.Itoa(expires))
	req.URL.RawQuery = q.Encode()
	cr, err := creds.Retrieve(ctx)
	if err != nil {
		return "", err
	}
	u, _, err := v4.NewSigner().PresignHTTP(ctx, cr, req, "UNSIGNED-PAYLOAD", "bedrock-agentcore", region, now)
	return u, err
}

func newBrowserStopCmd() *cobra.Command {
	var o brOpts
	var session string
	cmd := &cobra.Command{
		Use:   "stop --session ID",
		Short: "Stop a browser session (StopBrowserSession)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := o.connect(cmd.Context())
			if err != nil {
				return err
			}
			out, err := c.data.StopBrowserSession(cmd.Context(), &bedrockagentcore.StopBrowserSessionInput{
				BrowserIdentifier: aws.String(o.browser), SessionId: aws.String(session)})
			if err != nil {
				return apiError(err)
			}
			if o.co.json(false) {
				return printWire(cmd.OutOrStdout(), out)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Stopped session %s\n", session)
			return nil
		},
	}
	o.addFlags(cmd)
	cmd.Flags().StringVar(&session, "session", "", "browser session id")
	cmd.MarkFlagRequired("session") //nolint:errcheck // the flag exists
	return cmd
}

func newBrowserSessionsCmd() *cobra.Command {
	var o brOpts
	var status string
	cmd := &cobra.Command{
		Use:   "sessions",
		Short: "List a browser's sessions (ListBrowserSessions)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			c, err := o.connect(cmd.Context())
			if err != nil {
				return err
			}
			in := &bedrockagentcore.ListBrowserSessionsInput{BrowserIdentifier: aws.String(o.browser),
				Status: types.BrowserSessionStatus(strings.ToUpper(status))}
			all := &bedrockagentcore.ListBrowserSessionsOutput{Items: []types.BrowserSessionSummary{}}
			for {
				out, err := c.data.ListBrowserSessions(cmd.Context(), in)
				if err != nil {
					return apiError(err)
				}
				all.Items = append(all.Items, out.Items...)
				if aws.ToString(out.NextToken) == "" {
					break
				}
				in.NextToken = out.NextToken
			}
			if o.co.json(false) {
				return printWire(cmd.OutOrStdout(), all)
			}
			w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
			fmt.Fprintln(w, "SESSION ID\tNAME\tSTATUS\tCREATED")
			for _, s := range all.Items {
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", aws.ToString(s.SessionId), aws.ToString(s.Name), s.Status,
					aws.ToTime(s.CreatedAt).Local().Format(time.DateTime))
			}
			return w.Flush()
		},
	}
	o.addFlags(cmd)
	cmd.Flags().StringVar(&status, "status", "", "only sessions in this status: READY or TERMINATED")
	return cmd
}

// printBrowserStart prints StartBrowserSession's output as the API sends it,
// plus liveViewUrl: the presigned live-view URL (valid liveViewExpiry s).
func printBrowserStart(cmd *cobra.Command, c *clients, out *bedrockagentcore.StartBrowserSessionOutput) error {
	v, _ := wireValue(out).(map[string]any)
	if out.Streams != nil && out.Streams.LiveViewStream != nil && aws.ToString(out.Streams.LiveViewStream.StreamEndpoint) != "" {
		u, err := presignLiveView(cmd.Context(), c.creds, c.region, aws.ToString(out.Streams.LiveViewStream.StreamEndpoint), liveViewExpiry, time.Now())
		if err != nil {
			return fmt.Errorf("presigning the live-view URL: %w", err)
		}
		v["liveViewUrl"] = u
	}
	return printJSON(cmd.OutOrStdout(), v)
}
