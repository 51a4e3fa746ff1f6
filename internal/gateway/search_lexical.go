package gateway

import (
	"math"
	"strings"
	"unicode"
)

// lexical is a BM25 index over tool texts. Search blends it with the
// embedding similarity: exact, rare words (a product name, "refund") then
// count for more than words every tool shares ("list", "get").
type lexical struct {
	post map[string][]posting // word → documents containing it
	lens []int
	avg  float64
}

type posting struct {
	doc, tf int
}

var stopWords = map[string]bool{"a": true, "an": true, "the": true, "to": true, "of": true, "in": true, "for": true, "and": true,
	"or": true, "on": true, "by": true, "my": true, "i": true, "is": true, "it": true, "this": true, "with": true, "me": true,
	"from": true, "what": true, "how": true, "do": true, "are": true, "be": true, "at": true, "as": true, "its": true,
	"their": true, "your": true, "you": true, "that": true, "which": true, "there": true, "s": true}

// verbs maps common action verbs of tool requests to one canonical word,
// so "find", "look up" and "search" meet; nouns are left alone.
var verbs = map[string]string{
	"find": "search", "lookup": "search", "look": "search", "query": "search", "seek": "search",
	"get": "get", "fetch": "get", "retrieve": "get", "show": "get", "read": "get", "view": "get", "display": "get",
	"create": "create", "add": "create", "new": "create", "make": "create", "insert": "create", "open": "create",
	"delete": "delete", "remove": "delete", "erase": "delete", "drop": "delete", "destroy": "delete",
	"update": "update", "edit": "update", "change": "update", "modify": "update", "rename": "update",
	"send": "send", "mail": "send", "post": "send", "message": "send",
	"cancel": "cancel", "abort": "cancel", "call": "call", "phone": "call", "ring": "call",
}

func stem(w string) string {
	for _, suf := range []string{"ies", "ing", "ed", "es", "s", "e"} {
		if len(w) > len(suf)+2 && strings.HasSuffix(w, suf) {
			if suf == "ies" {
				w = w[:len(w)-3] + "y"
			} else {
				w = w[:len(w)-len(suf)]
			}
			break
		}
	}
	return w
}

func canon(w string) string {
	if v, ok := verbs[w]; ok {
		return v
	}
	s := stem(w)
	if v, ok := verbs[s]; ok {
		return v
	}
	if v, ok := verbs[s+"e"]; ok { // phoned → phon → phone
		return v
	}
	return s
}

func words(s string) []string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	out := f[:0]
	for _, w := range f {
		if !stopWords[w] {
			out = append(out, canon(w))
		}
	}
	return out
}

func newLexical(texts []string) *lexical {
	l := &lexical{post: map[string][]posting{}}
	total := 0
	for i, t := range texts {
		m := map[string]int{}
		ws := words(t)
		for _, w := range ws {
			m[w]++
		}
		for w, tf := range m {
			l.post[w] = append(l.post[w], posting{i, tf})
		}
		l.lens = append(l.lens, len(ws))
		total += len(ws)
	}
	if len(texts) > 0 {
		l.avg = float64(total) / float64(len(texts))
	}
	return l
}

// scores returns each document's BM25 score scaled to [0,1].
func (l *lexical) scores(q string) []float32 {
	const k1, b = 1.2, 0.75
	raw := make([]float64, len(l.lens))
	n := float64(len(l.lens))
	for _, w := range words(q) {
		ps := l.post[w]
		if len(ps) == 0 {
			continue
		}
		df := float64(len(ps))
		idf := math.Log(1 + (n-df+0.5)/(df+0.5))
		for _, p := range ps {
			tf := float64(p.tf)
			raw[p.doc] += idf * tf * (k1 + 1) / (tf + k1*(1-b+b*float64(l.lens[p.doc])/l.avg))
		}
	}
	max := 0.0
	for _, x := range raw {
		max = math.Max(max, x)
	}
	out := make([]float32, len(raw))
	if max > 0 {
		for i, x := range raw {
			out[i] = float32(x / max)
		}
	}
	return out
}
