package evaluation

import (
	"fmt"
	"strings"
)

// The deterministic trajectory evaluators compare the session's tool calls
// (names, in call order) with the expected trajectory. Each returns whether
// it matches and an explanation naming the first difference.

// exactOrder: the same tools in the same order, nothing extra.
func exactOrder(actual, expected []string) (bool, string) {
	for i := 0; i < len(actual) || i < len(expected); i++ {
		switch {
		case i >= len(actual):
			return false, fmt.Sprintf("expected %s at position %d but the session made only %d tool call(s) %s", expected[i], i+1, len(actual), list(actual))
		case i >= len(expected):
			return false, fmt.Sprintf("unexpected extra tool call %s at position %d (expected %s)", actual[i], i+1, list(expected))
		case actual[i] != expected[i]:
			return false, fmt.Sprintf("position %d: expected %s, got %s (actual %s, expected %s)", i+1, expected[i], actual[i], list(actual), list(expected))
		}
	}
	return true, fmt.Sprintf("the tool calls %s are exactly the expected trajectory", list(actual))
}

// inOrder: the expected tools appear in order; other calls may come between.
func inOrder(actual, expected []string) (bool, string) {
	j := 0
	for _, a := range actual {
		if j < len(expected) && a == expected[j] {
			j++
		}
	}
	if j < len(expected) {
		return false, fmt.Sprintf("expected %s in order; %s (step %d) was not found after the earlier steps in %s", list(expected), expected[j], j+1, list(actual))
	}
	return true, fmt.Sprintf("the expected tools %s appear in order in %s", list(expected), list(actual))
}

// anyOrder: every expected tool appears (as often as expected), any order.
func anyOrder(actual, expected []string) (bool, string) {
	have := map[string]int{}
	for _, a := range actual {
		have[a]++
	}
	var missing []string
	for _, e := range expected {
		if have[e] == 0 {
			missing = append(missing, e)
			continue
		}
		have[e]--
	}
	if len(missing) > 0 {
		return false, fmt.Sprintf("missing expected tool call(s) %s in %s", list(missing), list(actual))
	}
	return true, fmt.Sprintf("every expected tool %s appears in %s", list(expected), list(actual))
}

func list(names []string) string { return "[" + strings.Join(names, ", ") + "]" }
