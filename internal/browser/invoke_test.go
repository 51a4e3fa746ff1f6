package browser

import (
	"strings"
	"testing"
)

// TestCheckAction: actions are checked against the viewport and filled
// with their defaults; anything out of range is a field error.
func TestCheckAction(t *testing.T) {
	vp := ViewPort{Width: 800, Height: 600}
	ok := []Action{
		{MouseClick: &MouseClick{X: 0, Y: 0}},
		{MouseClick: &MouseClick{X: 799, Y: 599, Button: "RIGHT", ClickCount: 2}},
		{MouseDrag: &MouseDrag{StartX: 1, StartY: 1, EndX: 799, EndY: 599}},
		{MouseMove: &MouseMove{X: 400, Y: 300}},
		{MouseScroll: &MouseScroll{X: 1, Y: 1, DeltaY: -500}},
		{KeyPress: &KeyPress{Key: "Enter"}}, {KeyPress: &KeyPress{Key: "é", Presses: 3}}, {KeyPress: &KeyPress{Key: "F12"}},
		{KeyShortcut: &KeyShortcut{Keys: []string{"Control", "Shift", "t"}}},
		{KeyType: &KeyType{Text: "hello\nwörld"}},
		{Screenshot: &Screenshot{}},
	}
	for _, a := range ok {
		if err := checkAction(&a, vp); err != nil {
			t.Errorf("%+v: %v", a, err)
		}
	}
	a := Action{MouseClick: &MouseClick{X: 1, Y: 1}}
	if checkAction(&a, vp); a.MouseClick.Button != "LEFT" || a.MouseClick.ClickCount != 1 {
		t.Errorf("click defaults: %+v", a.MouseClick)
	}
	a = Action{KeyPress: &KeyPress{Key: "a"}}
	if checkAction(&a, vp); a.KeyPress.Presses != 1 {
		t.Errorf("keyPress default: %+v", a.KeyPress)
	}
	a = Action{Screenshot: &Screenshot{}}
	if checkAction(&a, vp); a.Screenshot.Format != "PNG" {
		t.Errorf("screenshot default: %+v", a.Screenshot)
	}
	bad := map[string]Action{
		"none":            {},
		"two":             {MouseMove: &MouseMove{}, Screenshot: &Screenshot{}},
		"x = width":       {MouseClick: &MouseClick{X: 800, Y: 1}},
		"y = height":      {MouseMove: &MouseMove{X: 1, Y: 600}},
		"negative":        {MouseScroll: &MouseScroll{X: -1, Y: 1}},
		"drag end":        {MouseDrag: &MouseDrag{StartX: 1, StartY: 1, EndX: 1, EndY: 601}},
		"button":          {MouseClick: &MouseClick{X: 1, Y: 1, Button: "BACK"}},
		"clicks":          {MouseClick: &MouseClick{X: 1, Y: 1, ClickCount: 11}},
		"scroll delta":    {MouseScroll: &MouseScroll{X: 1, Y: 1, DeltaX: 10001}},
		"key name":        {KeyPress: &KeyPress{Key: "Enterr"}},
		"key control":     {KeyPress: &KeyPress{Key: "\x01"}},
		"presses":         {KeyPress: &KeyPress{Key: "a", Presses: 101}},
		"presses 0":       {KeyPress: &KeyPress{Key: "a", Presses: -1}},
		"shortcut empty":  {KeyShortcut: &KeyShortcut{}},
		"shortcut long":   {KeyShortcut: &KeyShortcut{Keys: []string{"a", "b", "c", "d", "e", "f"}}},
		"shortcut key":    {KeyShortcut: &KeyShortcut{Keys: []string{"Control", "Nope"}}},
		"text empty":      {KeyType: &KeyType{}},
		"text long":       {KeyType: &KeyType{Text: strings.Repeat("é", MaxTypeText+1)}},
		"text invalid":    {KeyType: &KeyType{Text: "\xff"}},
		"screenshot jpeg": {Screenshot: &Screenshot{Format: "JPEG"}},
	}
	for name, a := range bad {
		if err := checkAction(&a, vp); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
}

func TestJoinPrefix(t *testing.T) {
	for in, want := range map[string]string{"": "S/", "rec": "rec/S/", "rec/": "rec/S/"} {
		if got := joinPrefix(in, "S"); got != want {
			t.Errorf("joinPrefix(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestStreamState: a status change closes the channel handed out before
// it and hands out a new one; the end closes it for good.
func TestStreamState(t *testing.T) {
	st := &streamState{status: StreamEnabled, changed: make(chan struct{})}
	first := st.changed
	st.set(StreamEnabled)
	select {
	case <-first:
		t.Fatal("setting the same status announced a change")
	default:
	}
	st.set(StreamDisabled)
	<-first
	second := st.changed
	st.end()
	<-second
	st.end()
	st.set(StreamEnabled) // after the end: no effect, no panic
	if st.status != StreamDisabled {
		t.Fatalf("status after the end: %s", st.status)
	}
}
