package invokehttp

import (
	"strconv"
	"testing"
)

func TestMCPSessionsBounded(t *testing.T) {
	var m mcpSessions
	for i := range mcpSessionsMax + 10 {
		m.put(strconv.Itoa(i), "s")
	}
	if n := len(m.m); n > mcpSessionsMax || n < mcpSessionsMax*3/4 {
		t.Fatalf("%d mappings kept", n)
	}
	if _, ok := m.get(strconv.Itoa(mcpSessionsMax + 9)); !ok {
		t.Fatal("the newest mapping was evicted")
	}
}
