package cdp

import (
	"strings"
	"unicode/utf8"
)

// keyDef describes one key as Input.dispatchKeyEvent wants it.
type keyDef struct {
	key  string // DOM KeyboardEvent.key
	code string // DOM KeyboardEvent.code
	vk   int64  // Windows virtual key code
	text string // text the key produces ("" for none)
	mod  int64  // modifier bit when the key is a modifier
}

// Modifier bits of Input.dispatch*Event.
const (
	modAlt   = 1
	modCtrl  = 2
	modMeta  = 4
	modShift = 8
)

// named are the keys with names (matched case-insensitively, with the
// aliases people and agents commonly use).
var named = map[string]keyDef{
	"enter":      {key: "Enter", code: "Enter", vk: 13, text: "\r"},
	"tab":        {key: "Tab", code: "Tab", vk: 9, text: "\t"},
	"backspace":  {key: "Backspace", code: "Backspace", vk: 8},
	"escape":     {key: "Escape", code: "Escape", vk: 27},
	"delete":     {key: "Delete", code: "Delete", vk: 46},
	"insert":     {key: "Insert", code: "Insert", vk: 45},
	"space":      {key: " ", code: "Space", vk: 32, text: " "},
	"arrowleft":  {key: "ArrowLeft", code: "ArrowLeft", vk: 37},
	"arrowup":    {key: "ArrowUp", code: "ArrowUp", vk: 38},
	"arrowright": {key: "ArrowRight", code: "ArrowRight", vk: 39},
	"arrowdown":  {key: "ArrowDown", code: "ArrowDown", vk: 40},
	"home":       {key: "Home", code: "Home", vk: 36},
	"end":        {key: "End", code: "End", vk: 35},
	"pageup":     {key: "PageUp", code: "PageUp", vk: 33},
	"pagedown":   {key: "PageDown", code: "PageDown", vk: 34},
	"shift":      {key: "Shift", code: "ShiftLeft", vk: 16, mod: modShift},
	"control":    {key: "Control", code: "ControlLeft", vk: 17, mod: modCtrl},
	"alt":        {key: "Alt", code: "AltLeft", vk: 18, mod: modAlt},
	"meta":       {key: "Meta", code: "MetaLeft", vk: 91, mod: modMeta},
	"capslock":   {key: "CapsLock", code: "CapsLock", vk: 20},
	"f1":         {key: "F1", code: "F1", vk: 112}, "f2": {key: "F2", code: "F2", vk: 113},
	"f3": {key: "F3", code: "F3", vk: 114}, "f4": {key: "F4", code: "F4", vk: 115},
	"f5": {key: "F5", code: "F5", vk: 116}, "f6": {key: "F6", code: "F6", vk: 117},
	"f7": {key: "F7", code: "F7", vk: 118}, "f8": {key: "F8", code: "F8", vk: 119},
	"f9": {key: "F9", code: "F9", vk: 120}, "f10": {key: "F10", code: "F10", vk: 121},
	"f11": {key: "F11", code: "F11", vk: 122}, "f12": {key: "F12", code: "F12", vk: 123},
}

var aliases = map[string]string{
	"return": "enter", "esc": "escape", "del": "delete", "ctrl": "control", "cmd": "meta",
	"command": "meta", "super": "meta", "win": "meta", "option": "alt", "left": "arrowleft",
	"right": "arrowright", "up": "arrowup", "down": "arrowdown", "pgup": "pageup", "pgdn": "pagedown",
	"spacebar": "space",
}

// shifted maps characters typed with Shift on a US keyboard to their key.
const shiftedFrom = `~!@#$%^&*()_+{}|:"<>?`
const shiftedTo = "`1234567890-=[]\\;',./"

// punct gives the code and virtual key of unshifted punctuation.
var punct = map[rune]struct {
	code string
	vk   int64
}{
	'`': {"Backquote", 192}, '-': {"Minus", 189}, '=': {"Equal", 187}, '[': {"BracketLeft", 219},
	']': {"BracketRight", 221}, '\\': {"Backslash", 220}, ';': {"Semicolon", 186}, '\'': {"Quote", 222},
	',': {"Comma", 188}, '.': {"Period", 190}, '/': {"Slash", 191},
}

// lookupKey resolves a key name ("Enter", "Tab", "a", "A", "Control",
// "ctrl", "F5") or a single character. ok is false for unknown names.
func lookupKey(name string) (keyDef, bool) {
	if utf8.RuneCountInString(name) == 1 {
		return charKey([]rune(name)[0]), true
	}
	n := strings.ToLower(name)
	if a, ok := aliases[n]; ok {
		n = a
	}
	k, ok := named[n]
	return k, ok
}

// charKey is the key that types r on a US layout (characters without a
// key still type through their text).
func charKey(r rune) keyDef {
	s := string(r)
	switch {
	case r >= 'a' && r <= 'z':
		return keyDef{key: s, code: "Key" + strings.ToUpper(s), vk: int64(r - 'a' + 'A'), text: s}
	case r >= 'A' && r <= 'Z':
		return keyDef{key: s, code: "Key" + s, vk: int64(r), text: s}
	case r >= '0' && r <= '9':
		return keyDef{key: s, code: "Digit" + s, vk: int64(r), text: s}
	case r == ' ':
		return named["space"]
	case r == '\n' || r == '\r':
		return named["enter"]
	case r == '\t':
		return named["tab"]
	}
	if i := strings.IndexRune(shiftedFrom, r); i >= 0 {
		base := rune(shiftedTo[i])
		k := charKey(base)
		k.key, k.text = s, s
		return k
	}
	if p, ok := punct[r]; ok {
		return keyDef{key: s, code: p.code, vk: p.vk, text: s}
	}
	return keyDef{key: s, text: s}
}
