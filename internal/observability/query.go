package observability

import (
	"context"
	"fmt"

	"github.com/agentcore-dev/agentcore/internal/errs"
)

// The query methods scope every filter to f.Account (required) and apply
// the page limit.

func checkFilter(f *Filter) error {
	if f.Account == "" {
		return fmt.Errorf("%w: query without account", ErrInvalid)
	}
	if !f.From.IsZero() && !f.To.IsZero() && !f.To.After(f.From) {
		return errs.Field("to", "must be after from")
	}
	f.Limit = PageLimit(f.Limit)
	return nil
}

// Spans returns a page of spans matching f.
func (s *Service) Spans(ctx context.Context, f Filter) ([]Span, string, error) {
	if err := checkFilter(&f); err != nil {
		return nil, "", err
	}
	s.Flush(ctx) //nolint:errcheck // a query ended early fails on its own
	return s.opt.Store.QuerySpans(ctx, f)
}

// Logs returns a page of log records matching f.
func (s *Service) Logs(ctx context.Context, f Filter) ([]LogRecord, string, error) {
	if err := checkFilter(&f); err != nil {
		return nil, "", err
	}
	s.Flush(ctx) //nolint:errcheck // a query ended early fails on its own
	return s.opt.Store.QueryLogs(ctx, f)
}

// Sessions lists sessions seen in spans, most recent first.
func (s *Service) Sessions(ctx context.Context, f Filter) ([]SessionSummary, error) {
	if err := checkFilter(&f); err != nil {
		return nil, err
	}
	s.Flush(ctx) //nolint:errcheck // a query ended early fails on its own
	return s.opt.Store.ListSessions(ctx, f)
}

// Traces lists the traces matching f (typically one session's).
func (s *Service) Traces(ctx context.Context, f Filter) ([]TraceSummary, error) {
	if err := checkFilter(&f); err != nil {
		return nil, err
	}
	s.Flush(ctx) //nolint:errcheck // a query ended early fails on its own
	return s.opt.Store.ListTraces(ctx, f)
}

// Trace returns every span of one trace (up to 10,000), earliest first;
// NotFound when none is stored.
func (s *Service) Trace(ctx context.Context, account, traceID string) ([]Span, error) {
	f := Filter{Account: account, TraceID: traceID, Limit: MaxLimit}
	var all []Span
	for len(all) < 10*MaxLimit {
		page, next, err := s.Spans(ctx, f)
		if err != nil {
			return nil, err
		}
		all = append(all, page...)
		if next == "" {
			break
		}
		f.Cursor = next
	}
	if len(all) == 0 {
		return nil, errs.E(errs.NotFound, "trace %s not found", traceID)
	}
	return all, nil
}

// SpanNode is a span with its children, for trace trees.
type SpanNode struct {
	Span
	Children []*SpanNode `json:"children,omitempty"`
}

// Tree arranges spans by parent. Spans whose parent is not among them
// (unknown parents: not exported yet, or lost) become roots, so no span is
// ever hidden.
func Tree(spans []Span) []*SpanNode {
	nodes := make(map[string]*SpanNode, len(spans))
	order := make([]*SpanNode, 0, len(spans))
	for _, sp := range spans {
		n := &SpanNode{Span: sp}
		if _, dup := nodes[sp.SpanID]; !dup {
			nodes[sp.SpanID] = n
		}
		order = append(order, n)
	}
	up := map[*SpanNode]*SpanNode{} // attached child → parent
	var roots []*SpanNode
	for _, n := range order {
		if p, ok := nodes[n.ParentSpanID]; ok && n.ParentSpanID != "" && !ancestor(up, p, n) {
			p.Children = append(p.Children, n)
			up[n] = p
		} else {
			roots = append(roots, n)
		}
	}
	return roots
}

// ancestor reports whether n is p or above p (a parent cycle).
func ancestor(up map[*SpanNode]*SpanNode, p, n *SpanNode) bool {
	for ; p != nil; p = up[p] {
		if p == n {
			return true
		}
	}
	return false
}
