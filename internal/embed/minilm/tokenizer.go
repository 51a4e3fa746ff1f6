// Package minilm runs the all-MiniLM-L6-v2 sentence-transformer in pure Go:
// the BERT uncased WordPiece tokenizer read from tokenizer.json, the 6-layer
// BERT encoder read from model.safetensors, mean pooling and L2
// normalisation. No cgo and no network: the weights are placed in a
// directory by the fetch tool (cmd/fetch).
package minilm

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Tokenizer is the BERT uncased WordPiece tokenizer of tokenizer.json:
// BertNormalizer (clean text, CJK padding, accent stripping, lower case),
// BertPreTokenizer (whitespace and punctuation) and greedy longest-match
// WordPiece with the "##" continuation prefix.
type Tokenizer struct {
	vocab    map[string]int32
	words    []string // id -> token
	unk      int32
	cls, sep int32
	maxChars int
}

// tokenizerFile is the part of tokenizer.json this package reads.
type tokenizerFile struct {
	Normalizer struct {
		Type      string `json:"type"`
		Lowercase bool   `json:"lowercase"`
	} `json:"normalizer"`
	Model struct {
		Type                    string           `json:"type"`
		UnkToken                string           `json:"unk_token"`
		ContinuingSubwordPrefix string           `json:"continuing_subword_prefix"`
		MaxInputCharsPerWord    int              `json:"max_input_chars_per_word"`
		Vocab                   map[string]int32 `json:"vocab"`
	} `json:"model"`
}

// LoadTokenizer reads a Hugging Face tokenizer.json of a BERT uncased
// WordPiece tokenizer.
func LoadTokenizer(path string) (*Tokenizer, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseTokenizer(b)
}

// ParseTokenizer parses the contents of a tokenizer.json.
func ParseTokenizer(b []byte) (*Tokenizer, error) {
	var f tokenizerFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, fmt.Errorf("tokenizer.json: %w", err)
	}
	if f.Model.Type != "WordPiece" || f.Normalizer.Type != "BertNormalizer" || !f.Normalizer.Lowercase {
		return nil, fmt.Errorf("tokenizer.json: want an uncased BERT WordPiece tokenizer, got model %q normalizer %q",
			f.Model.Type, f.Normalizer.Type)
	}
	if p := f.Model.ContinuingSubwordPrefix; p != "" && p != "##" {
		return nil, fmt.Errorf("tokenizer.json: continuing subword prefix %q is not ##", p)
	}
	words := make([]string, len(f.Model.Vocab))
	for w, id := range f.Model.Vocab {
		if id < 0 || int(id) >= len(words) || words[id] != "" {
			return nil, fmt.Errorf("tokenizer.json: token %q has id %d outside the vocabulary or taken", w, id)
		}
		words[id] = w
	}
	if f.Model.UnkToken != "" && f.Model.UnkToken != "[UNK]" {
		return nil, fmt.Errorf("tokenizer.json: unknown token %q is not [UNK]", f.Model.UnkToken)
	}
	t, err := NewTokenizer(words)
	if err != nil {
		return nil, fmt.Errorf("tokenizer.json: %w", err)
	}
	if f.Model.MaxInputCharsPerWord > 0 {
		t.maxChars = f.Model.MaxInputCharsPerWord
	}
	return t, nil
}

// NewTokenizer is the BERT uncased WordPiece tokenizer of a vocabulary
// given in id order (vocab.txt's lines), with [UNK], [CLS] and [SEP].
func NewTokenizer(words []string) (*Tokenizer, error) {
	t := &Tokenizer{vocab: make(map[string]int32, len(words)), words: words, maxChars: 100}
	for id, w := range words {
		t.vocab[w] = int32(id)
	}
	var ok [3]bool
	t.unk, ok[0] = t.vocab["[UNK]"]
	t.cls, ok[1] = t.vocab["[CLS]"]
	t.sep, ok[2] = t.vocab["[SEP]"]
	if !ok[0] || !ok[1] || !ok[2] {
		return nil, fmt.Errorf("the vocabulary lacks [UNK], [CLS] or [SEP]")
	}
	return t, nil
}

// Words returns the vocabulary in id order (not to be modified).
func (t *Tokenizer) Words() []string { return t.words }

// VocabSize is the number of tokens in the vocabulary.
func (t *Tokenizer) VocabSize() int { return len(t.words) }

// Token returns the text of token id.
func (t *Tokenizer) Token(id int32) string { return t.words[id] }

// Encode returns [CLS] wordpieces [SEP], cut to at most maxLen ids (the
// attention mask: no padding).
func (t *Tokenizer) Encode(text string, maxLen int) []int32 {
	ids := append(make([]int32, 0, 32), t.cls)
	ids = t.appendPieces(ids, text, maxLen-1)
	return append(ids, t.sep)
}

// Pieces returns the wordpiece ids of text without [CLS] and [SEP].
func (t *Tokenizer) Pieces(text string) []int32 {
	return t.appendPieces(nil, text, -1)
}

// appendPieces appends the wordpieces of text to ids while len(ids) < limit
// (limit < 0: no limit).
func (t *Tokenizer) appendPieces(ids []int32, text string, limit int) []int32 {
	for _, w := range preTokenize(normalizeText(text)) {
		if limit >= 0 && len(ids) >= limit {
			break
		}
		ids = t.wordPiece(ids, w)
	}
	if limit >= 0 && len(ids) > limit {
		ids = ids[:limit]
	}
	return ids
}

// wordPiece appends the greedy longest-match-first pieces of one word, or
// [UNK] when the word is too long or some part of it matches nothing.
func (t *Tokenizer) wordPiece(ids []int32, w string) []int32 {
	if utf8.RuneCountInString(w) > t.maxChars {
		return append(ids, t.unk)
	}
	n := len(ids)
	for start := 0; start < len(w); {
		end, id := len(w), int32(-1)
		for ; end > start; end-- {
			if end < len(w) && !utf8.RuneStart(w[end]) {
				continue
			}
			sub := w[start:end]
			if start > 0 {
				sub = "##" + sub
			}
			if v, ok := t.vocab[sub]; ok {
				id = v
				break
			}
		}
		if id < 0 {
			return append(ids[:n], t.unk)
		}
		ids = append(ids, id)
		start = end
	}
	return ids
}

// normalizeText is the BertNormalizer: drop NUL, U+FFFD and control characters,
// map whitespace to a space, surround CJK ideographs with spaces, strip
// accents (NFD, drop non-spacing marks) and lower-case.
func normalizeText(s string) string {
	var b strings.Builder
	b.Grow(len(s) + 8)
	for _, r := range s {
		switch {
		case r == 0 || r == 0xfffd || isControl(r):
		case r == '\t' || r == '\n' || r == '\r' || unicode.IsSpace(r):
			b.WriteByte(' ')
		case isCJK(r):
			b.WriteByte(' ')
			b.WriteRune(r)
			b.WriteByte(' ')
		default:
			b.WriteRune(r)
		}
	}
	s = b.String()
	if !isASCII(s) {
		d := norm.NFD.String(s)
		b.Reset()
		for _, r := range d {
			if !unicode.Is(unicode.Mn, r) {
				b.WriteRune(r)
			}
		}
		s = b.String()
	}
	return strings.ToLower(s)
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// isControl is Unicode's "Other" categories except tab, newline and
// carriage return (which count as whitespace).
func isControl(r rune) bool {
	if r == '\t' || r == '\n' || r == '\r' {
		return false
	}
	return unicode.Is(unicode.C, r)
}

// isCJK reports the CJK Unified Ideograph blocks BERT splits per character.
func isCJK(r rune) bool {
	return r >= 0x4E00 && r <= 0x9FFF || r >= 0x3400 && r <= 0x4DBF || r >= 0x20000 && r <= 0x2A6DF ||
		r >= 0x2A700 && r <= 0x2B73F || r >= 0x2B740 && r <= 0x2B81F || r >= 0x2B820 && r <= 0x2CEAF ||
		r >= 0xF900 && r <= 0xFAFF || r >= 0x2F800 && r <= 0x2FA1F
}

// isPunct is BERT's punctuation: every ASCII non-alphanumeric printable
// character and Unicode's P categories.
func isPunct(r rune) bool {
	if r >= 33 && r <= 47 || r >= 58 && r <= 64 || r >= 91 && r <= 96 || r >= 123 && r <= 126 {
		return true
	}
	return unicode.IsPunct(r)
}

// preTokenize splits on whitespace and isolates each punctuation character.
func preTokenize(s string) []string {
	var out []string
	start := -1
	for i, r := range s {
		switch {
		case unicode.IsSpace(r):
			if start >= 0 {
				out = append(out, s[start:i])
				start = -1
			}
		case isPunct(r):
			if start >= 0 {
				out = append(out, s[start:i])
				start = -1
			}
			out = append(out, string(r))
		default:
			if start < 0 {
				start = i
			}
		}
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}
