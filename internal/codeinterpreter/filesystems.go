package codeinterpreter

import (
	"encoding/json"
	"fmt"
	"regexp"
	"strings"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/sandbox"
)

// toolsFS is one ToolsFileSystemConfiguration (a union: efsConfiguration or
// s3FilesConfiguration) of a code interpreter or one of its sessions.
type toolsFS struct {
	Efs *fsTarget `json:"efsConfiguration"`
	S3  *fsTarget `json:"s3FilesConfiguration"`
}

type fsTarget struct {
	AccessPointArn string `json:"accessPointArn"`
	FileSystemArn  string `json:"fileSystemArn"`
	MountPath      string `json:"mountPath"`
}

// maxFilesystems bounds filesystemConfigurations, as for agent runtimes.
const maxFilesystems = 5

var mountPathRE = regexp.MustCompile(`^/mnt/[A-Za-z0-9._-]+$`)

// parseFS decodes and validates filesystemConfigurations (absent: none):
// at most five, one member each, mount paths /mnt/NAME without duplicates
// (also across prior, the interpreter's own), access points this server's
// operator mapped to directories (--filesystems).
func (s *Service) parseFS(raw json.RawMessage, prior []toolsFS) ([]toolsFS, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var fs []toolsFS
	if err := json.Unmarshal(raw, &fs); err != nil {
		return nil, errs.Field("filesystemConfigurations", "filesystemConfigurations is not a list of file system configurations: %v", err)
	}
	if len(fs)+len(prior) > maxFilesystems {
		return nil, errs.Field("filesystemConfigurations", "%d file systems; at most %d are allowed", len(fs)+len(prior), maxFilesystems)
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
		if _, ok := s.o.Filesystems[t.AccessPointArn]; !ok {
			return nil, errs.Field(field, "%s accessPointArn %q is not a file system this server provides; the server's operator maps ARNs to directories with --filesystems (configured: %d)",
				field, t.AccessPointArn, len(s.o.Filesystems))
		}
	}
	return fs, nil
}

func (f toolsFS) target() fsTarget {
	if f.Efs != nil {
		return *f.Efs
	}
	if f.S3 != nil {
		return *f.S3
	}
	return fsTarget{}
}

// mounts are the shared directories of fs, read-write (their host owners
// kept: the operator makes them writable for the sessions).
func (s *Service) mounts(fs []toolsFS) ([]sandbox.Mount, error) {
	var out []sandbox.Mount
	for _, f := range fs {
		t := f.target()
		dir, ok := s.o.Filesystems[t.AccessPointArn]
		if !ok {
			return nil, errs.Field("filesystemConfigurations", "file system %q is no longer configured on this server (--filesystems)", t.AccessPointArn)
		}
		out = append(out, sandbox.Mount{Source: dir, Target: t.MountPath, Writable: true})
	}
	return out, nil
}
