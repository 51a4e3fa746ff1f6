package main

import (
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"

	"github.com/rogpeppe/go-internal/testscript"
)

// cmdJSON checks the last command's JSON output:
//
//	json stdout|stderr PATH REGEXP   the value at PATH matches REGEXP (whole)
//	json -set VAR stdout PATH        set VAR to the value at PATH
//
// PATH is dot-separated object keys and list indexes (memories.0.id); a
// final @len is the length of the list or object there. Strings are matched
// as they are, other values as JSON. With !, the PATH is absent or its
// value does not match.
func cmdJSON(ts *testscript.TestScript, neg bool, args []string) {
	set := ""
	if len(args) > 0 && args[0] == "-set" {
		if neg || len(args) != 4 {
			ts.Fatalf("usage: json -set VAR stdout|stderr PATH")
		}
		set, args = args[1], args[2:]
	} else if len(args) != 3 {
		ts.Fatalf("usage: json stdout|stderr PATH REGEXP")
	}
	if args[0] != "stdout" && args[0] != "stderr" {
		ts.Fatalf("json: read stdout or stderr, not %q", args[0])
	}
	var doc any
	if err := json.Unmarshal([]byte(ts.ReadFile(args[0])), &doc); err != nil {
		ts.Fatalf("json: %s is not one JSON value: %v", args[0], err)
	}
	got, err := jsonAt(doc, args[1])
	if set != "" {
		ts.Check(err)
		ts.Setenv(set, got)
		return
	}
	ok := err == nil && regexp.MustCompile("^(?:"+args[2]+")$").MatchString(got)
	switch {
	case ok && neg:
		ts.Fatalf("json: %s is %s, which matches %q", args[1], got, args[2])
	case !ok && !neg && err != nil:
		ts.Fatalf("json: %v", err)
	case !ok && !neg:
		ts.Fatalf("json: %s is %s, which does not match %q", args[1], got, args[2])
	}
}

// jsonAt is the value at path in doc, as text.
func jsonAt(doc any, path string) (string, error) {
	cur := doc
	for _, seg := range strings.Split(path, ".") {
		switch v := cur.(type) {
		case []any:
			if seg == "@len" {
				return strconv.Itoa(len(v)), nil
			}
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(v) {
				return "", fmt.Errorf("%s: no element %q in a list of %d", path, seg, len(v))
			}
			cur = v[i]
		case map[string]any:
			if seg == "@len" {
				return strconv.Itoa(len(v)), nil
			}
			e, ok := v[seg]
			if !ok {
				return "", fmt.Errorf("%s: no member %q", path, seg)
			}
			cur = e
		default:
			return "", fmt.Errorf("%s: %q is inside a scalar", path, seg)
		}
	}
	if s, ok := cur.(string); ok {
		return s, nil
	}
	b, _ := json.Marshal(cur)
	return string(b), nil
}

// cmdExpand replaces $VAR and ${VAR} in FILE with the script's variables.
func cmdExpand(ts *testscript.TestScript, neg bool, args []string) {
	if neg || len(args) != 1 {
		ts.Fatalf("usage: expand FILE")
	}
	name := ts.MkAbs(args[0])
	ts.Check(os.WriteFile(name, []byte(os.Expand(ts.ReadFile(args[0]), ts.Getenv)), 0o644))
}
