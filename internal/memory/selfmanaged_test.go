package memory

import (
	"testing"
	"time"
)

func TestTriggerConditions(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	var msg, tok, idle TriggerCondition
	msg.MessageBased = &struct {
		MessageCount int `json:"messageCount,omitempty"`
	}{3}
	tok.TokenBased = &struct {
		TokenCount int `json:"tokenCount,omitempty"`
	}{100}
	idle.TimeBased = &struct {
		IdleSessionTimeout int `json:"idleSessionTimeout,omitempty"`
	}{10}
	sm := &SelfManaged{TriggerConditions: []TriggerCondition{msg, tok, idle}}
	for _, c := range []struct {
		count, tokens int
		idle          time.Duration
		want          bool
	}{
		{2, 99, 9 * time.Second, false},
		{3, 10, 0, true},               // message count
		{1, 100, 0, true},              // token count
		{1, 5, 10 * time.Second, true}, // idle session
	} {
		if got := fires(sm, c.count, c.tokens, now.Add(-c.idle), now); got != c.want {
			t.Errorf("fires(%d messages, %d tokens, idle %s) = %v", c.count, c.tokens, c.idle, got)
		}
	}
	if !fires(&SelfManaged{}, 1, 1, now, now) || fires(&SelfManaged{}, 0, 0, now, now) {
		t.Error("no conditions: every event triggers")
	}
	if estimateTokens("12345678") != 2 {
		t.Error("token estimate")
	}
	if backoffDelay(0) != time.Second || backoffDelay(3) != 8*time.Second || backoffDelay(20) != 5*time.Minute {
		t.Errorf("backoff: %s %s %s", backoffDelay(0), backoffDelay(3), backoffDelay(20))
	}
}
