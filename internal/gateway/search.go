package gateway

import (
	"context"
	"strings"
	"unicode"

	"github.com/agentcore-dev/agentcore/internal/embed"
	"github.com/agentcore-dev/agentcore/internal/errs"
)

// searchIndex holds one embedding per tool of a catalogue.
type searchIndex struct {
	vecs [][]float32
	lex  *lexical
}

// lexicalWeight blends BM25 (scaled to [0,1]) into the cosine similarity.
const lexicalWeight = 0.5

// searchText is what a tool is embedded as: its name split into words
// (target, camelCase and snake_case parts) and its description.
func searchText(e *Entry) string {
	return splitName(e.Target.Name) + " " + splitName(e.Tool.Name) + ". " + e.Tool.Description
}

func splitName(s string) string {
	var b strings.Builder
	prev := rune(0)
	for _, r := range s {
		switch {
		case r == '_' || r == '-' || r == '.':
			b.WriteByte(' ')
		case unicode.IsUpper(r) && prev != 0 && (unicode.IsLower(prev) || unicode.IsDigit(prev)):
			b.WriteByte(' ')
			b.WriteRune(unicode.ToLower(r))
		default:
			b.WriteRune(unicode.ToLower(r))
		}
		prev = r
	}
	return b.String()
}

func (s *Service) index(ctx context.Context, c *Catalogue) (*searchIndex, error) {
	c.searchOnce.Do(func() {
		if s.o.Embedder == nil {
			c.searchErr = errs.E(errs.Unavailable, "tool search is not available: no embedder is configured")
			return
		}
		texts := make([]string, len(c.Tools))
		for i, e := range c.Tools {
			texts[i] = searchText(e)
		}
		idx := &searchIndex{lex: newLexical(texts)}
		for start := 0; start < len(texts); start += 256 {
			end := min(start+256, len(texts))
			v, err := s.o.Embedder.Embed(context.WithoutCancel(ctx), texts[start:end])
			if err != nil {
				c.searchErr = err
				return
			}
			idx.vecs = append(idx.vecs, v...)
		}
		c.search = idx
	})
	return c.search, c.searchErr
}

// Search returns the catalogue's tools most relevant to query (at most k),
// best first, by cosine similarity of their embeddings.
func (s *Service) Search(ctx context.Context, c *Catalogue, query string, k int) ([]*Entry, error) {
	idx, err := s.index(ctx, c)
	if err != nil {
		return nil, err
	}
	if len(c.Tools) == 0 {
		return nil, nil
	}
	qv, err := s.o.Embedder.Embed(ctx, []string{query})
	if err != nil {
		return nil, err
	}
	type hit struct {
		i     int
		score float32
	}
	lex := idx.lex.scores(query)
	hits := make([]hit, len(idx.vecs))
	for i, v := range idx.vecs {
		hits[i] = hit{i, embed.Dot(qv[0], v) + lexicalWeight*lex[i]}
	}
	if k > len(hits) {
		k = len(hits)
	}
	// Partial selection: only the best k need ordering.
	for i := 0; i < k; i++ {
		best := i
		for j := i + 1; j < len(hits); j++ {
			if hits[j].score > hits[best].score {
				best = j
			}
		}
		hits[i], hits[best] = hits[best], hits[i]
	}
	out := make([]*Entry, k)
	for i := range out {
		out[i] = c.Tools[hits[i].i]
	}
	return out, nil
}
