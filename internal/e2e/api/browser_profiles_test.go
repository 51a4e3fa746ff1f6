package api_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// TestBrowserProfiles: create, get (by id and ARN), list (name filter,
// pagination), tags, delete, and the typed errors of duplicate names,
// malformed and unknown ids, other accounts' profiles.
func TestBrowserProfiles(t *testing.T) {
	e := brServer(t)
	c := e.Control
	out, err := c.CreateBrowserProfile(bg, &ctl.CreateBrowserProfileInput{Name: aws.String("shopper"), Description: aws.String("d"),
		Tags: map[string]string{"team": "web"}})
	if err != nil || !strings.HasPrefix(aws.ToString(out.ProfileId), "shopper-") || out.Status != ctltypes.BrowserProfileStatusReady ||
		aws.ToString(out.ProfileArn) != "arn:aws:bedrock-agentcore:us-east-1:123456789012:browser-profile/"+aws.ToString(out.ProfileId) || out.CreatedAt == nil {
		t.Fatalf("create: %+v %v", out, err)
	}
	id := aws.ToString(out.ProfileId)
	for _, ref := range []string{id, aws.ToString(out.ProfileArn)} {
		g, err := c.GetBrowserProfile(bg, &ctl.GetBrowserProfileInput{ProfileId: aws.String(ref)})
		if err != nil || aws.ToString(g.Name) != "shopper" || aws.ToString(g.Description) != "d" || g.Status != ctltypes.BrowserProfileStatusReady ||
			g.LastSavedAt != nil || g.LastSavedBrowserId != nil {
			t.Fatalf("get %s: %+v %v", ref, g, err)
		}
	}
	if tags, err := c.ListTagsForResource(bg, &ctl.ListTagsForResourceInput{ResourceArn: out.ProfileArn}); err != nil || tags.Tags["team"] != "web" {
		t.Fatalf("tags: %+v %v", tags, err)
	}
	if _, err := c.CreateBrowserProfile(bg, &ctl.CreateBrowserProfileInput{Name: aws.String("shopper")}); !isConflict(err) {
		t.Fatalf("duplicate name: %v", err)
	}
	if _, err := c.CreateBrowserProfile(bg, &ctl.CreateBrowserProfileInput{Name: aws.String("bad-name")}); !isCtlValidation(err) {
		t.Fatalf("bad name: %v", err)
	}
	if _, err := c.GetBrowserProfile(bg, &ctl.GetBrowserProfileInput{ProfileId: aws.String("nope-0123456789")}); !isCtlNotFound(err) {
		t.Fatalf("unknown: %v", err)
	}
	if _, err := c.GetBrowserProfile(bg, &ctl.GetBrowserProfileInput{ProfileId: aws.String("nope")}); !isCtlValidation(err) {
		t.Fatalf("malformed: %v", err)
	}
	other, _ := testenv.ClientsWith(e.URL, brOtherKeyID, brOtherSecret)
	if _, err := other.GetBrowserProfile(bg, &ctl.GetBrowserProfileInput{ProfileId: aws.String(id)}); !isCtlNotFound(err) {
		t.Fatalf("another account's profile: %v", err)
	}

	for _, n := range []string{"second", "third"} {
		if _, err := c.CreateBrowserProfile(bg, &ctl.CreateBrowserProfileInput{Name: aws.String(n)}); err != nil {
			t.Fatal(err)
		}
	}
	var seen []string
	in := &ctl.ListBrowserProfilesInput{MaxResults: aws.Int32(2)}
	for {
		page, err := c.ListBrowserProfiles(bg, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range page.ProfileSummaries {
			seen = append(seen, aws.ToString(p.Name))
		}
		if page.NextToken == nil {
			break
		}
		in.NextToken = page.NextToken
	}
	if len(seen) != 3 {
		t.Fatalf("listed %v", seen)
	}
	if l, err := c.ListBrowserProfiles(bg, &ctl.ListBrowserProfilesInput{Name: aws.String("third")}); err != nil ||
		len(l.ProfileSummaries) != 1 || aws.ToString(l.ProfileSummaries[0].Name) != "third" {
		t.Fatalf("by name: %+v %v", l, err)
	}
	if l, err := other.ListBrowserProfiles(bg, &ctl.ListBrowserProfilesInput{}); err != nil || len(l.ProfileSummaries) != 0 {
		t.Fatalf("another account lists: %+v %v", l, err)
	}

	del, err := c.DeleteBrowserProfile(bg, &ctl.DeleteBrowserProfileInput{ProfileId: aws.String(id)})
	if err != nil || del.Status != ctltypes.BrowserProfileStatusDeleting || aws.ToString(del.ProfileId) != id {
		t.Fatalf("delete: %+v %v", del, err)
	}
	if _, err := c.GetBrowserProfile(bg, &ctl.GetBrowserProfileInput{ProfileId: aws.String(id)}); !isCtlNotFound(err) {
		t.Fatalf("after delete: %v", err)
	}
	if _, err := c.DeleteBrowserProfile(bg, &ctl.DeleteBrowserProfileInput{ProfileId: aws.String(id)}); !isCtlNotFound(err) {
		t.Fatalf("delete again: %v", err)
	}
	if _, err := c.CreateBrowserProfile(bg, &ctl.CreateBrowserProfileInput{Name: aws.String("shopper")}); err != nil {
		t.Fatalf("the name is free after delete: %v", err)
	}
}

// TestBrowserProfileSaveRestore: cookies and localStorage set in session
// 1 (a page served by the test sets them) are saved with
// SaveBrowserSessionProfile (lastSaved* on the profile) and present in
// session 2 started with the profile. Needs the CDP implementation and
// the automation stream (internal/browser/cdp, internal/browser/streams).
func TestBrowserProfileSaveRestore(t *testing.T) {
	requireChromium(t)
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/set" {
			http.SetCookie(w, &http.Cookie{Name: "cart", Value: "42", Path: "/", MaxAge: 3600})
			w.Write([]byte(`<html><script>localStorage.setItem("theme","dark")</script>set</html>`))
			return
		}
		w.Write([]byte(`<html>read</html>`))
	}))
	t.Cleanup(page.Close)
	e := brServer(t)
	d := e.Data
	p, err := e.Control.CreateBrowserProfile(bg, &ctl.CreateBrowserProfileInput{Name: aws.String("saved")})
	if err != nil {
		t.Fatal(err)
	}
	s1 := brStart(t, d, &bedrockagentcore.StartBrowserSessionInput{})
	cdp, _, err := dialAutomation(t, aws.ToString(s1.Streams.AutomationStream.StreamEndpoint), testenv.AccessKeyID, testenv.SecretAccessKey)
	if err != nil {
		t.Fatalf("automation stream: %v", err)
	}
	ps := cdp.page(t)
	cdp.navigate(t, ps, page.URL+"/set")
	save := func(profile, sid string) (*bedrockagentcore.SaveBrowserSessionProfileOutput, error) {
		return d.SaveBrowserSessionProfile(bg, &bedrockagentcore.SaveBrowserSessionProfileInput{ProfileIdentifier: aws.String(profile),
			BrowserIdentifier: aws.String(builtinBrowser), SessionId: aws.String(sid)})
	}
	sv, err := save(aws.ToString(p.ProfileId), aws.ToString(s1.SessionId))
	if err != nil || aws.ToString(sv.SessionId) != aws.ToString(s1.SessionId) || aws.ToString(sv.ProfileIdentifier) != aws.ToString(p.ProfileId) || sv.LastUpdatedAt == nil {
		t.Fatalf("save: %+v %v", sv, err)
	}
	g, err := e.Control.GetBrowserProfile(bg, &ctl.GetBrowserProfileInput{ProfileId: p.ProfileId})
	if err != nil || g.LastSavedAt == nil || aws.ToString(g.LastSavedBrowserId) != builtinBrowser || aws.ToString(g.LastSavedBrowserSessionId) != aws.ToString(s1.SessionId) {
		t.Fatalf("profile after save: %+v %v", g, err)
	}
	if _, err := save("nope-0123456789", aws.ToString(s1.SessionId)); !isNotFound(err) {
		t.Fatalf("save into an unknown profile: %v", err)
	}
	if _, err := save(aws.ToString(p.ProfileId), "NOSUCHSESSION0123"); !isNotFound(err) {
		t.Fatalf("save from an unknown session: %v", err)
	}

	s2 := brStart(t, d, &bedrockagentcore.StartBrowserSessionInput{ProfileConfiguration: &types.BrowserProfileConfiguration{ProfileIdentifier: p.ProfileId}})
	if g, err := brGet(d, builtinBrowser, aws.ToString(s2.SessionId)); err != nil || g.ProfileConfiguration == nil ||
		aws.ToString(g.ProfileConfiguration.ProfileIdentifier) != aws.ToString(p.ProfileId) {
		t.Fatalf("session 2: %+v %v", g, err)
	}
	cdp2, _, err := dialAutomation(t, aws.ToString(s2.Streams.AutomationStream.StreamEndpoint), testenv.AccessKeyID, testenv.SecretAccessKey)
	if err != nil {
		t.Fatalf("automation stream 2: %v", err)
	}
	ps2 := cdp2.page(t)
	cdp2.navigate(t, ps2, page.URL+"/read")
	if c := cdp2.eval(t, ps2, "document.cookie"); c != "cart=42" {
		t.Fatalf("cookie in session 2: %v", c)
	}
	if v := cdp2.eval(t, ps2, `localStorage.getItem("theme")`); v != "dark" {
		t.Fatalf("localStorage in session 2: %v", v)
	}
	// A third session without the profile has neither.
	s3 := brStart(t, d, &bedrockagentcore.StartBrowserSessionInput{})
	cdp3, _, err := dialAutomation(t, aws.ToString(s3.Streams.AutomationStream.StreamEndpoint), testenv.AccessKeyID, testenv.SecretAccessKey)
	if err != nil {
		t.Fatal(err)
	}
	ps3 := cdp3.page(t)
	cdp3.navigate(t, ps3, page.URL+"/read")
	if c := cdp3.eval(t, ps3, "document.cookie"); c != "" {
		t.Fatalf("cookie leaked into a fresh session: %v", c)
	}
}
