package api_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore"
	dptypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
	ctl "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol"
	ctltypes "github.com/aws/aws-sdk-go-v2/service/bedrockagentcorecontrol/types"

	"github.com/agentcore-dev/agentcore/internal/testenv"
)

// TestBrowserFilesystems: a browser's filesystemConfigurations mount the
// operator's directory (--filesystems) into its sessions' sandbox under
// linuxns, where Chromium opens a page from it; an unknown access point is
// a ValidationException (issue 22).
func TestBrowserFilesystems(t *testing.T) {
	requireChromium(t)
	testenv.RequireImageDriver(t, "linuxns")
	shared := t.TempDir()
	if err := os.WriteFile(filepath.Join(shared, "page.html"), []byte("<title>from the shared directory</title>"), 0o644); err != nil {
		t.Fatal(err)
	}
	os.Chmod(shared, 0o755) //nolint:errcheck // readable by the sessions' ids
	cfg := brConfig()
	cfg.Sandbox = "linuxns"
	cfg.Filesystems = sharedARN + "=" + shared
	e := testenv.Start(t, cfg)
	efs := func(arn string) ctltypes.ToolsFileSystemConfiguration {
		return &ctltypes.ToolsFileSystemConfigurationMemberEfsConfiguration{Value: ctltypes.EfsConfiguration{
			AccessPointArn: aws.String(arn), FileSystemArn: aws.String("arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123456789abcdef0"), MountPath: aws.String("/mnt/pages")}}
	}
	create := func(name, arn string) (string, error) {
		out, err := e.Control.CreateBrowser(bg, &ctl.CreateBrowserInput{Name: aws.String(name),
			NetworkConfiguration:     &ctltypes.BrowserNetworkConfiguration{NetworkMode: ctltypes.BrowserNetworkModePublic},
			FilesystemConfigurations: []ctltypes.ToolsFileSystemConfiguration{efs(arn)}})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.BrowserId), nil
	}
	var v *ctltypes.ValidationException
	if _, err := create("fs_unknown", "arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-nope"); !errors.As(err, &v) || !strings.Contains(v.ErrorMessage(), "fsap-nope") {
		t.Fatalf("unknown access point: %v", err)
	}
	id, err := create("fs_pages", sharedARN)
	if err != nil {
		t.Fatal(err)
	}
	st := brStart(t, e.Data, &bedrockagentcore.StartBrowserSessionInput{BrowserIdentifier: aws.String(id)})
	c, sid := brAuto(t, st)
	c.navigate(t, sid, "file:///mnt/pages/page.html")
	if title := fmt.Sprint(c.eval(t, sid, "document.title")); title != "from the shared directory" {
		t.Fatalf("page from /mnt/pages: title %q", title)
	}
	// A session's own entry with the browser's mount path is refused.
	_, err = e.Data.StartBrowserSession(bg, &bedrockagentcore.StartBrowserSessionInput{BrowserIdentifier: aws.String(id),
		FilesystemConfigurations: []dptypes.ToolsFileSystemConfiguration{&dptypes.ToolsFileSystemConfigurationMemberEfsConfiguration{Value: dptypes.EfsConfiguration{
			AccessPointArn: aws.String(sharedARN), FileSystemArn: aws.String("x"), MountPath: aws.String("/mnt/pages")}}}})
	var dv *dptypes.ValidationException
	if !errors.As(err, &dv) || !strings.Contains(dv.ErrorMessage(), "/mnt/pages") {
		t.Fatalf("duplicate mount path: %v", err)
	}
}
