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
	docs []map[string]int
	lens []int
	avg  float64
	df   map[string]int
}

var stopWords = map[string]bool{"a": true, "an": true, "the": true, "to": true, "of": true, "in": true, "for": true, "and": true,
	"or": true, "on": true, "by": true, "my": true, "i": true, "is": true, "it": true, "this": true, "with": true, "me": true,
	"from": true, "what": true, "how": true, "do": true, "are": true, "be": true, "at": true, "as": true, "its": true,
	"their": true, "your": true, "you": true, "that": true, "which": true, "there": true, "s": true}

func stem(w string) string {
	for _, suf := range []string{"ies", "ing", "ed", "es", "s"} {
		if len(w) > len(suf)+2 && strings.HasSuffix(w, suf) {
			if suf == "ies" {
				return w[:len(w)-3] + "y"
			}
			return w[:len(w)-len(suf)]
		}
	}
	return w
}

func words(s string) []string {
	f := strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
	out := f[:0]
	for _, w := range f {
		if !stopWords[w] {
			out = append(out, stem(w))
		}
	}
	return out
}

func newLexical(texts []string) *lexical {
	l := &lexical{df: map[string]int{}}
	total := 0
	for _, t := range texts {
		m := map[string]int{}
		ws := words(t)
		for _, w := range ws {
			m[w]++
		}
		for w := range m {
			l.df[w]++
		}
		l.docs = append(l.docs, m)
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
	raw := make([]float64, len(l.docs))
	n := float64(len(l.docs))
	for _, w := range words(q) {
		df := float64(l.df[w])
		if df == 0 {
			continue
		}
		idf := math.Log(1 + (n-df+0.5)/(df+0.5))
		for i, d := range l.docs {
			if tf := float64(d[w]); tf > 0 {
				raw[i] += idf * tf * (k1 + 1) / (tf + k1*(1-b+b*float64(l.lens[i])/l.avg))
			}
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
