package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/bedrockagentcore/types"
)

// exitCodeError makes the command exit with that code without a message
// (the code's own output already said what happened).
type exitCodeError int

func (e exitCodeError) Error() string { return fmt.Sprintf("exit status %d", int(e)) }

// resultPrinter writes CodeInterpreterResult events: the code's stdout and
// stderr to ours, images to files in images (or a note on stderr).
type resultPrinter struct {
	stdout, stderr io.Writer
	images         string
	saved          int
	json           bool // --output json: each result as the API sends it
}

// print writes one result and returns its exit code (1 for an error result
// without one).
func (p *resultPrinter) print(r types.CodeInterpreterResult) (int, error) {
	if p.json {
		if err := printWire(p.stdout, &r); err != nil {
			return 0, err
		}
		return resultExitCode(r), nil
	}
	sc := r.StructuredContent
	haveStreams := sc != nil && (sc.Stdout != nil || sc.Stderr != nil)
	if haveStreams {
		io.WriteString(p.stdout, aws.ToString(sc.Stdout))
		io.WriteString(p.stderr, aws.ToString(sc.Stderr))
	}
	for _, b := range r.Content {
		switch b.Type {
		case types.ContentBlockTypeText:
			if haveStreams {
				continue // the same output, already written
			}
			w := p.stdout
			if aws.ToBool(r.IsError) {
				w = p.stderr
			}
			writeLine(w, aws.ToString(b.Text))
		case types.ContentBlockTypeImage:
			if err := p.image(b); err != nil {
				return 0, err
			}
		case types.ContentBlockTypeResourceLink:
			fmt.Fprintf(p.stdout, "%s\t%d\t%s\n", aws.ToString(b.Description), aws.ToInt64(b.Size), strings.TrimPrefix(aws.ToString(b.Uri), "file://"))
		case types.ContentBlockTypeEmbeddedResource:
			if res := b.Resource; res != nil {
				if res.Text != nil {
					writeLine(p.stdout, *res.Text)
				} else {
					fmt.Fprintf(p.stderr, "[%s: %d bytes of %s]\n", aws.ToString(res.Uri), len(res.Blob), aws.ToString(res.MimeType))
				}
			}
		}
	}
	return resultExitCode(r), nil
}

// resultExitCode is the exit code of a result (1 for an error result
// without one).
func resultExitCode(r types.CodeInterpreterResult) int {
	if sc := r.StructuredContent; sc != nil && sc.ExitCode != nil {
		return int(*sc.ExitCode)
	}
	if aws.ToBool(r.IsError) {
		return 1
	}
	return 0
}

// image saves an image block as images/image-N.<ext>.
func (p *resultPrinter) image(b types.ContentBlock) error {
	mime := aws.ToString(b.MimeType)
	if p.images == "" {
		fmt.Fprintf(p.stderr, "[image %s, %d bytes; --images DIR saves it]\n", mime, len(b.Data))
		return nil
	}
	if err := os.MkdirAll(p.images, 0o755); err != nil {
		return err
	}
	ext := ".png"
	if _, sub, ok := strings.Cut(mime, "/"); ok && sub != "png" {
		ext = "." + strings.TrimSuffix(sub, "+xml")
	}
	p.saved++
	name := filepath.Join(p.images, fmt.Sprintf("image-%d%s", p.saved, ext))
	if err := os.WriteFile(name, b.Data, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(p.stderr, "[image saved to %s]\n", name)
	return nil
}

// writeLine writes s with a final newline.
func writeLine(w io.Writer, s string) {
	io.WriteString(w, s)
	if s != "" && !strings.HasSuffix(s, "\n") {
		io.WriteString(w, "\n")
	}
}
