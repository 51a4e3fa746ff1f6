package codeinterpreter

import (
	"encoding/base64"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

// Tool names (ToolName).
const (
	ToolExecuteCode           = "executeCode"
	ToolExecuteCommand        = "executeCommand"
	ToolReadFiles             = "readFiles"
	ToolListFiles             = "listFiles"
	ToolRemoveFiles           = "removeFiles"
	ToolWriteFiles            = "writeFiles"
	ToolStartCommandExecution = "startCommandExecution"
	ToolGetTask               = "getTask"
	ToolStopTask              = "stopTask"
)

// Languages (ProgrammingLanguage).
const (
	LangPython     = "python"
	LangJavaScript = "javascript"
	LangTypeScript = "typescript"
)

// ToolRequest is one InvokeCodeInterpreter call: the tool and its
// arguments (one flat structure; which members a tool reads is in validate).
type ToolRequest struct {
	Name      string         `json:"name"`
	Arguments *ToolArguments `json:"arguments,omitempty"`
}

// ToolArguments is the AWS ToolArguments structure, as the kernel reads it.
type ToolArguments struct {
	Code          *string        `json:"code,omitempty"`
	Language      *string        `json:"language,omitempty"`
	ClearContext  *bool          `json:"clearContext,omitempty"`
	Command       *string        `json:"command,omitempty"`
	Content       []InputContent `json:"content,omitempty"`
	DirectoryPath *string        `json:"directoryPath,omitempty"`
	Path          *string        `json:"path,omitempty"`
	Paths         []string       `json:"paths,omitempty"`
	Runtime       *string        `json:"runtime,omitempty"`
	TaskID        *string        `json:"taskId,omitempty"`
}

// InputContent is one file of writeFiles: text, or a blob as the base64
// string it arrives as.
type InputContent struct {
	Path string  `json:"path"`
	Text *string `json:"text,omitempty"`
	Blob *string `json:"blob,omitempty"`
}

// Result is a tool's CodeInterpreterResult.
type Result struct {
	Content           []ContentBlock     `json:"content"`
	StructuredContent *StructuredContent `json:"structuredContent,omitempty"`
	IsError           bool               `json:"isError"`
}

// ContentBlock is one block of a result (blobs are base64 strings).
type ContentBlock struct {
	Type        string           `json:"type"`
	Text        *string          `json:"text,omitempty"`
	Data        string           `json:"data,omitempty"`
	MimeType    string           `json:"mimeType,omitempty"`
	URI         string           `json:"uri,omitempty"`
	Name        string           `json:"name,omitempty"`
	Description string           `json:"description,omitempty"`
	Size        *int64           `json:"size,omitempty"`
	Resource    *ResourceContent `json:"resource,omitempty"`
}

// ResourceContent is a file's content in a resource block.
type ResourceContent struct {
	Type     string  `json:"type"`
	URI      string  `json:"uri,omitempty"`
	MimeType string  `json:"mimeType,omitempty"`
	Text     *string `json:"text,omitempty"`
	Blob     string  `json:"blob,omitempty"`
}

// StructuredContent is ToolResultStructuredContent.
type StructuredContent struct {
	TaskID        *string  `json:"taskId,omitempty"`
	TaskStatus    *string  `json:"taskStatus,omitempty"`
	Stdout        *string  `json:"stdout,omitempty"`
	Stderr        *string  `json:"stderr,omitempty"`
	ExitCode      *int     `json:"exitCode,omitempty"`
	ExecutionTime *float64 `json:"executionTime,omitempty"`
}

// Limits of one tool call's arguments.
const (
	MaxCodeBytes  = 1 << 20 // code and command
	MaxPaths      = 1000    // paths of readFiles/removeFiles, files of writeFiles
	MaxPathLength = 4096
)

// validate checks the request the way the AWS API does before anything
// runs: a known tool, the members it needs, known enum values. It fills
// the default language (python).
func (r *ToolRequest) validate() error {
	if r.Arguments == nil {
		r.Arguments = &ToolArguments{}
	}
	a := r.Arguments
	need := func(member string, ok bool) error {
		if !ok {
			return errs.Field("arguments."+member, "arguments.%s is required for the %s tool", member, r.Name)
		}
		return nil
	}
	if a.Runtime != nil {
		switch *a.Runtime {
		case "nodejs", "deno", "python":
		default:
			return errs.Field("arguments.runtime", "arguments.runtime must be nodejs, deno or python (got %q)", *a.Runtime)
		}
	}
	switch r.Name {
	case ToolExecuteCode:
		if a.Language == nil || *a.Language == "" {
			lang := LangPython
			a.Language = &lang
		}
		switch *a.Language {
		case LangPython, LangJavaScript, LangTypeScript:
		default:
			return errs.Field("arguments.language", "arguments.language must be python, javascript or typescript (got %q)", *a.Language)
		}
		if err := need("code", a.Code != nil && *a.Code != ""); err != nil {
			return err
		}
		return maxLen("arguments.code", *a.Code, MaxCodeBytes)
	case ToolExecuteCommand, ToolStartCommandExecution:
		if err := need("command", a.Command != nil && *a.Command != ""); err != nil {
			return err
		}
		return maxLen("arguments.command", *a.Command, MaxCodeBytes)
	case ToolGetTask, ToolStopTask:
		return need("taskId", a.TaskID != nil && *a.TaskID != "")
	case ToolReadFiles, ToolRemoveFiles:
		if err := need("paths", len(a.Paths) > 0); err != nil {
			return err
		}
		return checkPaths(a.Paths)
	case ToolWriteFiles:
		return checkContent(a.Content, need)
	case ToolListFiles:
		for _, p := range []*string{a.DirectoryPath, a.Path} {
			if p != nil && len(*p) > MaxPathLength {
				return errs.Field("arguments.directoryPath", "a path is at most %d characters", MaxPathLength)
			}
		}
		return nil
	}
	return errs.Field("name", "name must be one of executeCode, executeCommand, readFiles, listFiles, removeFiles, writeFiles, startCommandExecution, getTask, stopTask (got %q)", r.Name)
}

func checkContent(files []InputContent, need func(string, bool) error) error {
	if err := need("content", len(files) > 0); err != nil {
		return err
	}
	if len(files) > MaxPaths {
		return errs.Field("arguments.content", "at most %d files per call", MaxPaths)
	}
	for i, f := range files {
		if f.Path == "" || len(f.Path) > MaxPathLength {
			return errs.Field("arguments.content.path", "arguments.content[%d].path is required (at most %d characters)", i, MaxPathLength)
		}
		if (f.Text == nil) == (f.Blob == nil) {
			return errs.Field("arguments.content", "arguments.content[%d] must have exactly one of text and blob", i)
		}
		if f.Blob != nil {
			if _, err := base64.StdEncoding.DecodeString(*f.Blob); err != nil {
				return errs.Field("arguments.content.blob", "arguments.content[%d].blob is not valid base64", i)
			}
		}
	}
	return nil
}

func checkPaths(paths []string) error {
	if len(paths) > MaxPaths {
		return errs.Field("arguments.paths", "at most %d paths per call", MaxPaths)
	}
	for i, p := range paths {
		if p == "" || len(p) > MaxPathLength {
			return errs.Field("arguments.paths", "arguments.paths[%d] must be 1-%d characters", i, MaxPathLength)
		}
	}
	return nil
}

func maxLen(member, s string, n int) error {
	if len(s) > n {
		return errs.Field(member, "%s is %d bytes; the limit is %d", member, len(s), n)
	}
	return nil
}
