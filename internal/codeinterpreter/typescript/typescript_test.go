package typescript

import (
	"strings"
	"testing"
)

func TestTranspile(t *testing.T) {
	js, msg := Transpile("interface P { x: number }\nconst p: P = { x: 1 };\nlet n: number = p.x + 1;\nn * 2")
	if msg != "" {
		t.Fatalf("error: %s", msg)
	}
	for _, want := range []string{"const p = { x: 1 };", "let n = p.x + 1;", "n * 2;"} {
		if !strings.Contains(js, want) {
			t.Errorf("%q not in %q", want, js)
		}
	}
	if strings.Contains(js, "interface") || strings.Contains(js, ": number") {
		t.Errorf("types left in %q", js)
	}
	// Top-level declarations stay top-level (the kernel keeps them across calls).
	if js, _ := Transpile("function f(a: string): string { return a }"); !strings.HasPrefix(js, "function f(a)") {
		t.Errorf("function: %q", js)
	}
	_, msg = Transpile("const x: number = ;")
	if !strings.Contains(msg, "TypeScript compilation failed") || !strings.Contains(msg, "code.ts:1:") {
		t.Errorf("syntax error message: %q", msg)
	}
}
