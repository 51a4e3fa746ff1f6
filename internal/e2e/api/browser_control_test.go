package api_test

import (
	"strings"
	"testing"

	"github.com/agentcore-dev/agentcore/internal/testenv"
	"github.com/aws/aws-sdk-go-v2/aws"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"
)

// TestBrowserControlPlane: the built-in browser in every account, custom
// browsers (recording and signing kept, tags, duplicate names, VPC
// refused), listing with the type filter and pagination, delete, and the
// typed errors of unknown, malformed and other accounts' browsers.
func TestBrowserControlPlane(t *testing.T) {
	e := brServer(t)
	c := e.Control
	b, err := c.GetBrowser(bg, &ctl.GetBrowserInput{BrowserId: aws.String(builtinBrowser)})
	if err != nil || aws.ToString(b.BrowserArn) != "arn:aws:bedrock-agentcore:us-east-1:aws:browser/aws.browser.v1" ||
		b.Status != ctltypes.BrowserStatusReady || b.NetworkConfiguration.NetworkMode != ctltypes.BrowserNetworkModePublic {
		t.Fatalf("built-in: %+v %v", b, err)
	}

	out, err := c.CreateBrowser(bg, &ctl.CreateBrowserInput{Name: aws.String("shopper"), Description: aws.String("d"),
		ExecutionRoleArn:     aws.String("arn:aws:iam::123456789012:role/BrowserRole"),
		NetworkConfiguration: &ctltypes.BrowserNetworkConfiguration{NetworkMode: ctltypes.BrowserNetworkModePublic},
		Recording: &ctltypes.RecordingConfig{Enabled: true,
			S3Location: &ctltypes.S3Location{Bucket: aws.String("recordings"), Prefix: aws.String("shop/")}},
		BrowserSigning: &ctltypes.BrowserSigningConfigInput{Enabled: true},
		Tags:           map[string]string{"team": "web"}})
	if err != nil || !strings.HasPrefix(aws.ToString(out.BrowserId), "shopper-") || out.Status != ctltypes.BrowserStatusReady ||
		aws.ToString(out.BrowserArn) != "arn:aws:bedrock-agentcore:us-east-1:123456789012:browser-custom/"+aws.ToString(out.BrowserId) {
		t.Fatalf("create: %+v %v", out, err)
	}
	id := aws.ToString(out.BrowserId)
	g, err := c.GetBrowser(bg, &ctl.GetBrowserInput{BrowserId: aws.String(id)})
	if err != nil || aws.ToString(g.Name) != "shopper" || aws.ToString(g.Description) != "d" || g.Recording == nil ||
		!g.Recording.Enabled || aws.ToString(g.Recording.S3Location.Bucket) != "recordings" ||
		aws.ToString(g.Recording.S3Location.Prefix) != "shop/" || g.BrowserSigning == nil || !g.BrowserSigning.Enabled ||
		aws.ToString(g.ExecutionRoleArn) != "arn:aws:iam::123456789012:role/BrowserRole" {
		t.Fatalf("get: %+v %v", g, err)
	}
	if g2, err := c.GetBrowser(bg, &ctl.GetBrowserInput{BrowserId: out.BrowserArn}); err != nil || aws.ToString(g2.BrowserId) != id {
		t.Fatalf("get by ARN: %+v %v", g2, err)
	}
	tags, err := c.ListTagsForResource(bg, &ctl.ListTagsForResourceInput{ResourceArn: out.BrowserArn})
	if err != nil || tags.Tags["team"] != "web" {
		t.Fatalf("tags: %+v %v", tags, err)
	}
	if _, err := c.TagResource(bg, &ctl.TagResourceInput{ResourceArn: out.BrowserArn, Tags: map[string]string{"env": "test"}}); err != nil {
		t.Fatalf("TagResource: %v", err)
	}

	// Typed errors.
	public := &ctltypes.BrowserNetworkConfiguration{NetworkMode: ctltypes.BrowserNetworkModePublic}
	if _, err := c.CreateBrowser(bg, &ctl.CreateBrowserInput{Name: aws.String("shopper"), NetworkConfiguration: public}); !isConflict(err) {
		t.Fatalf("duplicate name: %v", err)
	}
	if _, err := c.CreateBrowser(bg, &ctl.CreateBrowserInput{Name: aws.String("private"),
		NetworkConfiguration: &ctltypes.BrowserNetworkConfiguration{NetworkMode: ctltypes.BrowserNetworkModeVpc}}); !isCtlValidation(err) {
		t.Fatalf("VPC: %v", err)
	}
	for _, name := range []string{"1bad", "has-dash", strings.Repeat("a", 49)} {
		if _, err := c.CreateBrowser(bg, &ctl.CreateBrowserInput{Name: aws.String(name), NetworkConfiguration: public}); !isCtlValidation(err) {
			t.Fatalf("name %q: %v", name, err)
		}
	}
	if _, err := c.CreateBrowser(bg, &ctl.CreateBrowserInput{Name: aws.String("rec"), NetworkConfiguration: public,
		Recording: &ctltypes.RecordingConfig{Enabled: true}}); !isCtlValidation(err) {
		t.Fatalf("recording without a location: %v", err)
	}
	if _, err := c.GetBrowser(bg, &ctl.GetBrowserInput{BrowserId: aws.String("nope-0123456789")}); !isCtlNotFound(err) {
		t.Fatalf("unknown: %v", err)
	}
	if _, err := c.GetBrowser(bg, &ctl.GetBrowserInput{BrowserId: aws.String("not an id")}); !isCtlValidation(err) {
		t.Fatalf("malformed: %v", err)
	}
	other, _ := testenv.ClientsWith(e.URL, brOtherKeyID, brOtherSecret)
	if _, err := other.GetBrowser(bg, &ctl.GetBrowserInput{BrowserId: aws.String(id)}); !isCtlNotFound(err) {
		t.Fatalf("another account's browser: %v", err)
	}
	if _, err := other.CreateBrowser(bg, &ctl.CreateBrowserInput{Name: aws.String("shopper"), NetworkConfiguration: public}); err != nil {
		t.Fatalf("the same name in another account: %v", err)
	}

	// Listing: the built-in first, then custom ones, a page at a time.
	brCreate(t, c, "second")
	var seen []string
	in := &ctl.ListBrowsersInput{MaxResults: aws.Int32(1)}
	for {
		page, err := c.ListBrowsers(bg, in)
		if err != nil {
			t.Fatal(err)
		}
		for _, s := range page.BrowserSummaries {
			seen = append(seen, aws.ToString(s.Name))
		}
		if page.NextToken == nil {
			break
		}
		in.NextToken = page.NextToken
	}
	if strings.Join(seen, ",") != "aws.browser.v1,second,shopper" && strings.Join(seen, ",") != "aws.browser.v1,shopper,second" {
		t.Fatalf("listed %v", seen)
	}
	for typ, want := range map[ctltypes.ResourceType]int{ctltypes.ResourceTypeSystem: 1, ctltypes.ResourceTypeCustom: 2} {
		l, err := c.ListBrowsers(bg, &ctl.ListBrowsersInput{Type: typ})
		if err != nil || len(l.BrowserSummaries) != want {
			t.Fatalf("type %s: %+v %v", typ, l, err)
		}
	}

	// Delete: the built-in cannot be; a custom one is gone.
	if _, err := c.DeleteBrowser(bg, &ctl.DeleteBrowserInput{BrowserId: aws.String(builtinBrowser)}); !isCtlValidation(err) {
		t.Fatalf("delete built-in: %v", err)
	}
	d, err := c.DeleteBrowser(bg, &ctl.DeleteBrowserInput{BrowserId: aws.String(id)})
	if err != nil || d.Status != ctltypes.BrowserStatusDeleting || aws.ToString(d.BrowserId) != id {
		t.Fatalf("delete: %+v %v", d, err)
	}
	if _, err := c.GetBrowser(bg, &ctl.GetBrowserInput{BrowserId: aws.String(id)}); !isCtlNotFound(err) {
		t.Fatalf("after delete: %v", err)
	}
	if _, err := c.DeleteBrowser(bg, &ctl.DeleteBrowserInput{BrowserId: aws.String(id)}); !isCtlNotFound(err) {
		t.Fatalf("delete again: %v", err)
	}
	if _, err := c.ListTagsForResource(bg, &ctl.ListTagsForResourceInput{ResourceArn: out.BrowserArn}); !isCtlNotFound(err) {
		t.Fatalf("tags of a deleted browser: %v", err)
	}
}
