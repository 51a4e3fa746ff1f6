package httpapi_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	dp "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// goldenBrowser pins the Browser operations: browsers (custom and
// built-in), profiles, sessions with their stream endpoints,
// UpdateBrowserStream, and InvokeBrowser's and SaveBrowserSessionProfile's
// errors (their successes need the CDP implementation; the e2e suite
// covers them).
func goldenBrowser(t *testing.T, g *golden) {
	g.t = t
	c, d := g.Control, g.Data
	g.name(strings.TrimPrefix(g.e.URL, "http://"), "<host>")
	var id string
	g.check("Browser", "CreateBrowser", "ok", func() error {
		out, err := c.CreateBrowser(bg, &ctl.CreateBrowserInput{Name: aws.String("golden_br"), Description: aws.String("d"),
			NetworkConfiguration: &ctltypes.BrowserNetworkConfiguration{NetworkMode: ctltypes.BrowserNetworkModePublic},
			Recording:            &ctltypes.RecordingConfig{Enabled: true, S3Location: &ctltypes.S3Location{Bucket: aws.String("recordings"), Prefix: aws.String("golden/")}},
			BrowserSigning:       &ctltypes.BrowserSigningConfigInput{Enabled: false}, Tags: map[string]string{"k": "v"}})
		must(t, "CreateBrowser", err)
		id = *out.BrowserId
		g.name(*out.BrowserArn, "<browserArn>")
		g.name(id, "<browserId>")
		return nil
	})
	g.check("Browser", "CreateBrowser", "vpc_not_supported", func() error {
		_, err := c.CreateBrowser(bg, &ctl.CreateBrowserInput{Name: aws.String("golden_vpc"),
			NetworkConfiguration: &ctltypes.BrowserNetworkConfiguration{NetworkMode: ctltypes.BrowserNetworkModeVpc}})
		wantCode(t, err, "ValidationException")
		return nil
	})
	g.check("Browser", "CreateBrowser", "duplicate", func() error {
		_, err := c.CreateBrowser(bg, &ctl.CreateBrowserInput{Name: aws.String("golden_br"),
			NetworkConfiguration: &ctltypes.BrowserNetworkConfiguration{NetworkMode: ctltypes.BrowserNetworkModePublic}})
		wantCode(t, err, "ConflictException")
		return nil
	})
	g.check("Browser", "GetBrowser", "ok", func() error {
		_, err := c.GetBrowser(bg, &ctl.GetBrowserInput{BrowserId: &id})
		must(t, "GetBrowser", err)
		return nil
	})
	g.check("Browser", "GetBrowser", "builtin", func() error {
		_, err := c.GetBrowser(bg, &ctl.GetBrowserInput{BrowserId: aws.String("aws.browser.v1")})
		must(t, "GetBrowser", err)
		return nil
	})
	g.check("Browser", "GetBrowser", "not_found", func() error {
		_, err := c.GetBrowser(bg, &ctl.GetBrowserInput{BrowserId: aws.String("nope-0123456789")})
		wantCode(t, err, "ResourceNotFoundException")
		return nil
	})
	g.check("Browser", "ListBrowsers", "page", func() error {
		out, err := c.ListBrowsers(bg, &ctl.ListBrowsersInput{MaxResults: aws.Int32(1)})
		must(t, "ListBrowsers", err)
		g.name(*out.NextToken, "<nextToken>")
		return nil
	})
	g.check("Browser", "ListBrowsers", "custom", func() error {
		_, err := c.ListBrowsers(bg, &ctl.ListBrowsersInput{Type: ctltypes.ResourceTypeCustom})
		must(t, "ListBrowsers", err)
		return nil
	})
	var pid string
	g.check("Browser", "CreateBrowserProfile", "ok", func() error {
		out, err := c.CreateBrowserProfile(bg, &ctl.CreateBrowserProfileInput{Name: aws.String("golden_profile"), Description: aws.String("d")})
		must(t, "CreateBrowserProfile", err)
		pid = *out.ProfileId
		g.name(*out.ProfileArn, "<profileArn>")
		g.name(pid, "<profileId>")
		return nil
	})
	g.check("Browser", "GetBrowserProfile", "ok", func() error {
		_, err := c.GetBrowserProfile(bg, &ctl.GetBrowserProfileInput{ProfileId: &pid})
		must(t, "GetBrowserProfile", err)
		return nil
	})
	g.check("Browser", "GetBrowserProfile", "not_found", func() error {
		_, err := c.GetBrowserProfile(bg, &ctl.GetBrowserProfileInput{ProfileId: aws.String("nope-0123456789")})
		wantCode(t, err, "ResourceNotFoundException")
		return nil
	})
	g.check("Browser", "ListBrowserProfiles", "by_name", func() error {
		_, err := c.ListBrowserProfiles(bg, &ctl.ListBrowserProfilesInput{Name: aws.String("golden_profile")})
		must(t, "ListBrowserProfiles", err)
		return nil
	})

	var sid string
	g.check("Browser", "StartBrowserSession", "ok", func() error {
		out, err := d.StartBrowserSession(bg, &dp.StartBrowserSessionInput{BrowserIdentifier: &id, Name: aws.String("golden"),
			SessionTimeoutSeconds: aws.Int32(600), ViewPort: &dptypes.ViewPort{Width: aws.Int32(1024), Height: aws.Int32(768)}})
		must(t, "StartBrowserSession", err)
		sid = *out.SessionId
		g.name(sid, "<sessionId>")
		return nil
	})
	g.check("Browser", "StartBrowserSession", "bad_viewport", func() error {
		_, err := d.StartBrowserSession(bg, &dp.StartBrowserSessionInput{BrowserIdentifier: &id,
			ViewPort: &dptypes.ViewPort{Width: aws.Int32(100), Height: aws.Int32(768)}})
		wantCode(t, err, "ValidationException")
		return nil
	})
	g.check("Browser", "StartBrowserSession", "unknown_profile", func() error {
		_, err := d.StartBrowserSession(bg, &dp.StartBrowserSessionInput{BrowserIdentifier: &id,
			ProfileConfiguration: &dptypes.BrowserProfileConfiguration{ProfileIdentifier: aws.String("nope-0123456789")}})
		wantCode(t, err, "ResourceNotFoundException")
		return nil
	})
	g.check("Browser", "GetBrowserSession", "ok", func() error {
		_, err := d.GetBrowserSession(bg, &dp.GetBrowserSessionInput{BrowserIdentifier: &id, SessionId: &sid})
		must(t, "GetBrowserSession", err)
		return nil
	})
	g.check("Browser", "ListBrowserSessions", "ok", func() error {
		_, err := d.ListBrowserSessions(bg, &dp.ListBrowserSessionsInput{BrowserIdentifier: &id, Status: dptypes.BrowserSessionStatusReady})
		must(t, "ListBrowserSessions", err)
		return nil
	})
	g.check("Browser", "UpdateBrowserStream", "disable", func() error {
		_, err := d.UpdateBrowserStream(bg, &dp.UpdateBrowserStreamInput{BrowserIdentifier: &id, SessionId: &sid, ClientToken: aws.String(strings.Repeat("a", 36)),
			StreamUpdate: &dptypes.StreamUpdateMemberAutomationStreamUpdate{Value: dptypes.AutomationStreamUpdate{StreamStatus: dptypes.AutomationStreamStatusDisabled}}})
		must(t, "UpdateBrowserStream", err)
		return nil
	})
	g.check("Browser", "InvokeBrowser", "outside_viewport", func() error {
		_, err := d.InvokeBrowser(bg, &dp.InvokeBrowserInput{BrowserIdentifier: &id, SessionId: &sid,
			Action: &dptypes.BrowserActionMemberMouseClick{Value: dptypes.MouseClickArguments{X: aws.Int32(1024), Y: aws.Int32(10)}}})
		wantCode(t, err, "ValidationException")
		return nil
	})
	g.check("Browser", "InvokeBrowser", "unknown_session", func() error {
		_, err := d.InvokeBrowser(bg, &dp.InvokeBrowserInput{BrowserIdentifier: &id, SessionId: aws.String("NOSUCHSESSION"),
			Action: &dptypes.BrowserActionMemberScreenshot{Value: dptypes.ScreenshotArguments{Format: dptypes.ScreenshotFormatPng}}})
		wantCode(t, err, "ResourceNotFoundException")
		return nil
	})
	g.check("Browser", "SaveBrowserSessionProfile", "unknown_profile", func() error {
		_, err := d.SaveBrowserSessionProfile(bg, &dp.SaveBrowserSessionProfileInput{ProfileIdentifier: aws.String("nope-0123456789"),
			BrowserIdentifier: &id, SessionId: &sid, ClientToken: aws.String(strings.Repeat("b", 36))})
		wantCode(t, err, "ResourceNotFoundException")
		return nil
	})
	g.check("Browser", "StopBrowserSession", "ok", func() error {
		_, err := d.StopBrowserSession(bg, &dp.StopBrowserSessionInput{BrowserIdentifier: &id, SessionId: &sid, ClientToken: aws.String(strings.Repeat("c", 36))})
		must(t, "StopBrowserSession", err)
		return nil
	})
	g.check("Browser", "DeleteBrowserProfile", "ok", func() error {
		_, err := c.DeleteBrowserProfile(bg, &ctl.DeleteBrowserProfileInput{ProfileId: &pid, ClientToken: aws.String(strings.Repeat("d", 36))})
		must(t, "DeleteBrowserProfile", err)
		return nil
	})
	g.check("Browser", "DeleteBrowser", "ok", func() error {
		_, err := c.DeleteBrowser(bg, &ctl.DeleteBrowserInput{BrowserId: &id, ClientToken: aws.String(strings.Repeat("e", 36))})
		must(t, "DeleteBrowser", err)
		return nil
	})
	g.check("Browser", "DeleteBrowser", "builtin", func() error {
		_, err := c.DeleteBrowser(bg, &ctl.DeleteBrowserInput{BrowserId: aws.String("aws.browser.v1")})
		wantCode(t, err, "ValidationException")
		return nil
	})
}
