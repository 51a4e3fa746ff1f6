package api_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// TestBrowserClientTokens: a repeated CreateBrowser, CreateBrowserProfile
// or StartBrowserSession with the same clientToken answers the first
// result (one browser, one profile, one session); the same token with
// another request is a typed error.
func TestBrowserClientTokens(t *testing.T) {
	requireChromium(t)
	e := brServer(t)
	c, d := e.Control, e.Data
	tok := func(s string) *string { return aws.String(strings.Repeat(s, 40)) }
	create := func(name string) (*ctl.CreateBrowserOutput, error) {
		return c.CreateBrowser(bg, &ctl.CreateBrowserInput{Name: aws.String(name), ClientToken: tok("a"),
			NetworkConfiguration: &ctltypes.BrowserNetworkConfiguration{NetworkMode: ctltypes.BrowserNetworkModePublic}})
	}
	b1, err1 := create("idem")
	b2, err2 := create("idem")
	if err1 != nil || err2 != nil || aws.ToString(b1.BrowserId) != aws.ToString(b2.BrowserId) {
		t.Fatalf("CreateBrowser twice: %v %v %v %v", b1, b2, err1, err2)
	}
	if _, err := create("other"); !isConflict(err) && !isCtlValidation(err) {
		t.Fatalf("the token with another request: %v", err)
	}
	p1, err1 := c.CreateBrowserProfile(bg, &ctl.CreateBrowserProfileInput{Name: aws.String("idem"), ClientToken: tok("b")})
	p2, err2 := c.CreateBrowserProfile(bg, &ctl.CreateBrowserProfileInput{Name: aws.String("idem"), ClientToken: tok("b")})
	if err1 != nil || err2 != nil || aws.ToString(p1.ProfileId) != aws.ToString(p2.ProfileId) {
		t.Fatalf("CreateBrowserProfile twice: %v %v %v %v", p1, p2, err1, err2)
	}
	in := &bedrockagentcore.StartBrowserSessionInput{BrowserIdentifier: b1.BrowserId, ClientToken: tok("c")}
	s1 := brStart(t, d, in)
	s2 := brStart(t, d, in)
	if aws.ToString(s1.SessionId) != aws.ToString(s2.SessionId) {
		t.Fatalf("StartBrowserSession twice: %s %s", aws.ToString(s1.SessionId), aws.ToString(s2.SessionId))
	}
	l, err := d.ListBrowserSessions(bg, &bedrockagentcore.ListBrowserSessionsInput{BrowserIdentifier: b1.BrowserId})
	if err != nil || len(l.Items) != 1 {
		t.Fatalf("sessions after a repeated start: %+v %v", l, err)
	}
}
