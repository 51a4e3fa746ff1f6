// Package toolfs reads the filesystemConfigurations of Code Interpreter and
// Browser (ToolsFileSystemConfiguration: efsConfiguration or
// s3FilesConfiguration) and turns them into the sandbox mounts of the
// directories the operator mapped to their access points (--filesystems).
package toolfs

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/sandbox"
)

// Config is one ToolsFileSystemConfiguration (a union: efsConfiguration or
// s3FilesConfiguration) of a tool or one of its sessions.
type Config struct {
	Efs *fsTarget `json:"efsConfiguration"`
	S3  *fsTarget `json:"s3FilesConfiguration"`
}

type fsTarget struct {
	AccessPointArn string `json:"accessPointArn"`
	FileSystemArn  string `json:"fileSystemArn"`
	MountPath      string `json:"mountPath"`
}

// MaxFilesystems bounds filesystemConfigurations, as for agent runtimes.
const MaxFilesystems = 5

var mountPathRE = regexp.MustCompile(`^/mnt/[A-Za-z0-9._-]+$`)

// Parse decodes and validates filesystemConfigurations (absent: none): at
// most five, one member each, mount paths /mnt/NAME without duplicates
// (also across prior, the tool's own), access points registry (the
// server's --filesystems: ARN → directory) holds.
func Parse(raw json.RawMessage, prior []Config, registry map[string]string) ([]Config, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var fs []Config
	if err := json.Unmarshal(raw, &fs); err != nil {
		return nil, errs.Field("filesystemConfigurations", "filesystemConfigurations is not a list of file system configurations: %v", err)
	}
	if len(fs)+len(prior) > MaxFilesystems {
		return nil, errs.Field("filesystemConfigurations", "%d file systems; at most %d are allowed", len(fs)+len(prior), MaxFilesystems)
	}
	seen := map[string]bool{}
	for _, p := range prior {
		seen[p.target().MountPath] = true
	}
	for i, f := range fs {
		field := fmt.Sprintf("filesystemConfigurations[%d]", i)
		if (f.Efs == nil) == (f.S3 == nil) {
			return nil, errs.Field(field, "%s must set exactly one of efsConfiguration and s3FilesConfiguration", field)
		}
		t := f.target()
		if !mountPathRE.MatchString(t.MountPath) || strings.Trim(t.MountPath[len("/mnt/"):], ".") == "" {
			return nil, errs.Field(field, "%s mountPath %q must be a directory directly under /mnt (/mnt/NAME)", field, t.MountPath)
		}
		if seen[t.MountPath] {
			return nil, errs.Field(field, "%s mountPath %q is used twice; each file system needs its own", field, t.MountPath)
		}
		seen[t.MountPath] = true
		if t.AccessPointArn == "" {
			return nil, errs.Field(field, "%s: accessPointArn is required", field)
		}
		if _, ok := registry[t.AccessPointArn]; !ok {
			return nil, errs.Field(field, "%s accessPointArn %q is not a file system this server provides; the server's operator maps ARNs to directories with --filesystems (configured: %d)",
				field, t.AccessPointArn, len(registry))
		}
	}
	return fs, nil
}

// target is the member that is set.
func (f Config) target() fsTarget {
	if f.Efs != nil {
		return *f.Efs
	}
	if f.S3 != nil {
		return *f.S3
	}
	return fsTarget{}
}

// Mounts are the shared directories of fs, read-write (their host owners
// kept: the operator makes them writable for the sessions).
func Mounts(fs []Config, registry map[string]string) ([]sandbox.Mount, error) {
	var out []sandbox.Mount
	for _, f := range fs {
		t := f.target()
		dir, ok := registry[t.AccessPointArn]
		if !ok {
			return nil, errs.Field("filesystemConfigurations", "file system %q is no longer configured on this server (--filesystems)", t.AccessPointArn)
		}
		out = append(out, sandbox.Mount{Source: dir, Target: t.MountPath, Writable: true})
	}
	return out, nil
}
