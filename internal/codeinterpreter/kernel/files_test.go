package kernel

import (
	"bytes"
	"encoding/base64"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestFilesRoundTrip(t *testing.T) {
	t.Parallel()
	k := startKernel(t)
	bin := make([]byte, 256)
	for i := range bin {
		bin[i] = byte(i)
	}
	r := k.ok("writeFiles", map[string]any{"content": []map[string]any{
		{"path": "notes/a.txt", "text": "héllo\n"},
		{"path": "data.bin", "blob": base64.StdEncoding.EncodeToString(bin)},
		{"path": k.home + "/abs.txt", "text": ""},
	}}, 0)
	if r.IsError || len(r.Content) != 1 || r.Content[0].Text != "Successfully wrote 3 file(s)" {
		t.Fatalf("write: %+v", r)
	}
	if got, _ := os.ReadFile(filepath.Join(k.home, "data.bin")); !bytes.Equal(got, bin) {
		t.Fatalf("data.bin on disk = %x", got)
	}
	// Files written by the tools are visible to code, and the other way round.
	wantOut(t, k.py("open('notes/a.txt').read()"), "'héllo\\n'\n")
	wantOut(t, k.sh("printf made > made.txt"), "")

	r = k.ok("readFiles", map[string]any{"paths": []string{"notes/a.txt", "data.bin", "made.txt"}}, 0)
	if r.IsError || len(r.Content) != 3 {
		t.Fatalf("read: %+v", r)
	}
	txt, blob := r.Content[0].Resource, r.Content[1].Resource
	if r.Content[0].Type != "resource" || txt.Type != "text" || txt.Text != "héllo\n" || txt.URI != "file://notes/a.txt" || txt.MimeType != "text/plain" {
		t.Fatalf("text resource %+v", txt)
	}
	got, err := base64.StdEncoding.DecodeString(blob.Blob)
	if blob.Type != "blob" || err != nil || !bytes.Equal(got, bin) || blob.URI != "file://data.bin" {
		t.Fatalf("blob resource %+v (%v)", blob, err)
	}
	if r.Content[2].Resource.Text != "made" {
		t.Fatalf("made.txt %+v", r.Content[2].Resource)
	}

	wantOut(t, k.sh("mkfifo fifo"), "")
	r = k.ok("readFiles", map[string]any{"paths": []string{"notes/a.txt", "missing.txt", "notes", "fifo"}}, 0)
	if msg := r.Content[len(r.Content)-1].Text; !r.IsError || len(r.Content) != 2 || !strings.Contains(msg, "missing.txt: no such file") ||
		!strings.Contains(msg, "notes: is a directory") || !strings.Contains(msg, "fifo: not a regular file") {
		t.Fatalf("missing file: %+v", r)
	}

	for _, args := range []map[string]any{{}, {"directoryPath": "."}, {"path": "."}} {
		r = k.ok("listFiles", args, 0)
		names := map[string]string{}
		for _, c := range r.Content {
			if c.Type != "resource_link" || c.Size == nil || c.URI != "file://"+c.Name {
				t.Fatalf("entry %+v", c)
			}
			names[c.Name] = c.Description
		}
		if names["notes"] != "directory" || names["data.bin"] != "file" || names["abs.txt"] != "file" {
			t.Fatalf("listFiles %v: %v", args, names)
		}
	}
	r = k.ok("listFiles", map[string]any{"directoryPath": "notes"}, 0)
	if len(r.Content) != 1 || r.Content[0].URI != "file://notes/a.txt" || *r.Content[0].Size != int64(len("héllo\n")) {
		t.Fatalf("listFiles notes: %+v", r.Content)
	}
	if r := k.ok("listFiles", map[string]any{"directoryPath": "nowhere"}, 0); !r.IsError {
		t.Fatalf("listFiles of a missing directory: %+v", r)
	}

	r = k.ok("removeFiles", map[string]any{"paths": []string{"notes", "data.bin"}}, 0)
	if r.IsError || r.Content[0].Text != "Successfully removed 2 file(s)" {
		t.Fatalf("remove: %+v", r)
	}
	for _, p := range []string{"notes", "data.bin"} {
		if _, err := os.Stat(filepath.Join(k.home, p)); !os.IsNotExist(err) {
			t.Fatalf("%s still there: %v", p, err)
		}
	}
	if r := k.ok("removeFiles", map[string]any{"paths": []string{"data.bin"}}, 0); !r.IsError {
		t.Fatalf("removing a missing file: %+v", r)
	}
}

func TestPathEscapes(t *testing.T) {
	t.Parallel()
	k := startKernel(t)
	if err := os.Symlink("/etc", filepath.Join(k.home, "link")); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink("/etc/passwd", filepath.Join(k.home, "pw")); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"../../etc/passwd", "/etc/passwd", "link/passwd", "pw", "notes/../../x", k.home + "/../x"} {
		calls := map[string]map[string]any{
			"readFiles":  {"paths": []string{p}},
			"writeFiles": {"content": []map[string]any{{"path": p, "text": "x"}}},
			"listFiles":  {"directoryPath": p},
		}
		for tool, args := range calls {
			r := k.invoke(tool, args, 0)
			if r.status != 400 || r.Type != "ValidationException" || !strings.Contains(r.Message, "outside the working directory") {
				t.Errorf("%s %q: %d %s %s", tool, p, r.status, r.Type, r.Message)
			}
		}
	}
	for _, p := range []string{"../../etc/passwd", "/etc/passwd", "link/passwd", "."} {
		if r := k.invoke("removeFiles", map[string]any{"paths": []string{p}}, 0); r.status != 400 || r.Type != "ValidationException" {
			t.Errorf("removeFiles %q: %d %s %s", p, r.status, r.Type, r.Message)
		}
	}
	if r := k.invoke("listFiles", map[string]any{"path": "link"}, 0); r.status != 400 {
		t.Errorf("listFiles through a symlink to /etc: %d %+v", r.status, r.Content)
	}
	// Removing the link removes the link, not its target.
	if r := k.ok("removeFiles", map[string]any{"paths": []string{"pw"}}, 0); r.IsError {
		t.Fatalf("remove link: %+v", r)
	}
	if _, err := os.Stat("/etc/passwd"); err != nil {
		t.Fatal(err)
	}
}

func TestReadFilesQuota(t *testing.T) {
	t.Parallel()
	k := startKernel(t)
	wantOut(t, k.sh("head -c 34000000 /dev/zero > big"), "")
	r := k.invoke("readFiles", map[string]any{"paths": []string{"big"}}, 0)
	if r.status != 402 || r.Type != "ServiceQuotaExceededException" {
		t.Fatalf("32 MiB read: %d %s %s", r.status, r.Type, r.Message)
	}
}
