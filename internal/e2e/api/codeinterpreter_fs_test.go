package api_test

import (
	"errors"
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

// TestCodeInterpreterFilesystems: a code interpreter's filesystemConfigurations
// (and a session's own) mount the directories the operator mapped to their
// access points (--filesystems) into its sessions under linuxns: code in
// one session writes, the host directory and another session see it;
// unknown access points and bad mount paths are ValidationExceptions
// (issue 22).
func TestCodeInterpreterFilesystems(t *testing.T) {
	testenv.RequireImageDriver(t, "linuxns")
	shared, own := t.TempDir(), t.TempDir()
	for _, d := range []string{shared, own} {
		if err := os.Chmod(d, 0o1777); err != nil { // sessions run as their own ids
			t.Fatal(err)
		}
	}
	const ownARN = "arn:aws:s3files:us-east-1:123456789012:access-point/own"
	cfg := ciConfig(0)
	cfg.Sandbox = "linuxns"
	cfg.Filesystems = sharedARN + "=" + shared + "," + ownARN + "=" + own
	e := startCI(t, cfg)
	efs := func(arn, mp string) ctltypes.ToolsFileSystemConfiguration {
		return &ctltypes.ToolsFileSystemConfigurationMemberEfsConfiguration{Value: ctltypes.EfsConfiguration{
			AccessPointArn: aws.String(arn), FileSystemArn: aws.String("arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/fs-0123456789abcdef0"), MountPath: aws.String(mp)}}
	}
	create := func(name string, fs ...ctltypes.ToolsFileSystemConfiguration) (string, error) {
		out, err := e.Control.CreateCodeInterpreter(bg, &ctl.CreateCodeInterpreterInput{Name: aws.String(name),
			NetworkConfiguration:     &ctltypes.CodeInterpreterNetworkConfiguration{NetworkMode: ctltypes.CodeInterpreterNetworkModeSandbox},
			FilesystemConfigurations: fs})
		if err != nil {
			return "", err
		}
		return aws.ToString(out.CodeInterpreterId), nil
	}
	var v *ctltypes.ValidationException
	if _, err := create("fs_unknown", efs("arn:aws:elasticfilesystem:us-east-1:123456789012:access-point/fsap-nope", "/mnt/x")); !errors.As(err, &v) || !strings.Contains(v.ErrorMessage(), "fsap-nope") {
		t.Fatalf("unknown access point: %v", err)
	}
	if _, err := create("fs_badpath", efs(sharedARN, "/etc/x")); !errors.As(err, &v) || !strings.Contains(v.ErrorMessage(), "mountPath") {
		t.Fatalf("bad mount path: %v", err)
	}
	id, err := create("fs_ok", efs(sharedARN, "/mnt/shared"))
	if err != nil {
		t.Fatal(err)
	}
	a := ciStartSession(t, e.Data, id, 0)
	_, out := ciRun(t, e.Data, id, a, dptypes.ProgrammingLanguagePython, "open('/mnt/shared/note.txt','w').write('from a'); print(open('/mnt/shared/note.txt').read())", false)
	if strings.TrimSpace(out) != "from a" {
		t.Fatalf("session a: %q", out)
	}
	if b, err := os.ReadFile(filepath.Join(shared, "note.txt")); err != nil || string(b) != "from a" {
		t.Fatalf("host directory: %q %v", b, err)
	}
	// A second session, with a file system of its own on top of the interpreter's.
	s2, err := e.Data.StartCodeInterpreterSession(bg, &bedrockagentcore.StartCodeInterpreterSessionInput{CodeInterpreterIdentifier: aws.String(id),
		FilesystemConfigurations: []dptypes.ToolsFileSystemConfiguration{&dptypes.ToolsFileSystemConfigurationMemberS3FilesConfiguration{Value: dptypes.S3FilesConfiguration{
			AccessPointArn: aws.String(ownARN), FileSystemArn: aws.String("arn:aws:s3files:us-east-1:123456789012:file-system/own"), MountPath: aws.String("/mnt/own")}}}})
	if err != nil {
		t.Fatal(err)
	}
	b := aws.ToString(s2.SessionId)
	t.Cleanup(func() {
		e.Data.StopCodeInterpreterSession(bg, &bedrockagentcore.StopCodeInterpreterSessionInput{CodeInterpreterIdentifier: aws.String(id), SessionId: &b}) //nolint:errcheck
	})
	_, out = ciRun(t, e.Data, id, b, dptypes.ProgrammingLanguagePython, "_ = open('/mnt/own/o.txt','w').write('b'); print(open('/mnt/shared/note.txt').read())", false)
	if strings.TrimSpace(out) != "from a" {
		t.Fatalf("session b reads: %q", out)
	}
	if _, err := os.Stat(filepath.Join(own, "o.txt")); err != nil {
		t.Fatalf("session b's own file system: %v", err)
	}
	// The first session has no /mnt/own.
	_, out = ciRun(t, e.Data, id, a, dptypes.ProgrammingLanguagePython, "import os; print(os.path.exists('/mnt/own'))", false)
	if strings.TrimSpace(out) != "False" {
		t.Fatalf("session a sees /mnt/own: %q", out)
	}
	// A session's own configuration with a duplicate mount path is refused.
	_, err = e.Data.StartCodeInterpreterSession(bg, &bedrockagentcore.StartCodeInterpreterSessionInput{CodeInterpreterIdentifier: aws.String(id),
		FilesystemConfigurations: []dptypes.ToolsFileSystemConfiguration{&dptypes.ToolsFileSystemConfigurationMemberEfsConfiguration{Value: dptypes.EfsConfiguration{
			AccessPointArn: aws.String(ownARN), FileSystemArn: aws.String("x"), MountPath: aws.String("/mnt/shared")}}}})
	var dv *dptypes.ValidationException
	if !errors.As(err, &dv) || !strings.Contains(dv.ErrorMessage(), "/mnt/shared") {
		t.Fatalf("duplicate mount path: %v", err)
	}
	ciStop(t, e.Data, id, a)
}
