package gateway

import (
	"bytes"
	"context"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/agentcore-dev/agentcore/internal/errs"
	"github.com/agentcore-dev/agentcore/internal/tenant"
	"github.com/santhosh-tekuri/jsonschema/v6"
)

// Catalogue is a gateway's served tool set, built from its stored targets
// and cached until a control-plane write changes the gateway or a target.
type Catalogue struct {
	Gateway *Gateway
	// Tools in exposed-name order.
	Tools  []*Entry
	byName map[string]*Entry

	once   sync.Once
	cached any

	searchOnce sync.Once
	search     *searchIndex
	searchErr  error
}

// Entry is one exposed tool.
type Entry struct {
	// Name is {target}___{tool}.
	Name   string
	Target *Target
	Tool   *Tool

	once   sync.Once
	schema *jsonschema.Schema
	err    error
}

// Lookup finds an exposed tool.
func (c *Catalogue) Lookup(name string) (*Entry, bool) {
	e, ok := c.byName[name]
	return e, ok
}

// Cached returns the value build made the first time it was called on this
// catalogue (the data plane keeps its MCP server here).
func (c *Catalogue) Cached(build func() any) any {
	c.once.Do(func() { c.cached = build() })
	return c.cached
}

// SearchEnabled reports whether the gateway serves the search tool.
func (c *Catalogue) SearchEnabled() bool {
	pc := c.Gateway.ProtocolConfiguration
	return pc != nil && pc.MCP != nil && pc.MCP.SearchType == "SEMANTIC"
}

// compiled returns the tool's compiled input schema.
func (e *Entry) compiled() (*jsonschema.Schema, error) {
	e.once.Do(func() {
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(e.Tool.InputSchema))
		if err != nil {
			e.err = err
			return
		}
		c := jsonschema.NewCompiler()
		if err = c.AddResource("tool.json", doc); err != nil {
			e.err = err
			return
		}
		e.schema, e.err = c.Compile("tool.json")
	})
	return e.schema, e.err
}

type catalogues struct {
	mu sync.Mutex
	m  map[catKey]*catalogue
}

// catKey is a catalogue's account and gateway id (a struct, so a lookup
// does not build a string).
type catKey struct{ acct, id string }

type catalogue struct {
	once    sync.Once
	c       *Catalogue
	err     error
	fp      string       // store revisions the catalogue was built from
	checked atomic.Int64 // when fp was last compared with the store (unix ns)
}

// revalidate is how often a cached catalogue is compared with the store, so
// writes made through another server on the same database show up.
const revalidate = 2 * time.Second

// fingerprint is the store revisions of a gateway and its targets.
func (s *Service) fingerprint(ctx context.Context, acct, id string) (string, error) {
	it, err := s.repo.kv.Get(ctx, tblGateway, gwKey(acct, id))
	if errs.KindOf(err) == errs.NotFound {
		return "gone", nil
	}
	if err != nil {
		return "", err
	}
	items, err := s.repo.kv.List(ctx, tblTarget, gwKey(acct, id)+"/", "", 0)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	b.WriteString(strconv.FormatInt(it.Revision, 10))
	for _, t := range items {
		b.WriteString(";" + t.Key + "@" + strconv.FormatInt(t.Revision, 10))
	}
	return b.String(), nil
}

// invalidateKey drops the catalogue of a gateway or target store key
// (acct/gateway[/target]) from a change notification; "" drops all.
func (cs *catalogues) invalidateKey(key string) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if key == "" {
		clear(cs.m)
		return
	}
	if parts := strings.SplitN(key, "/", 3); len(parts) >= 2 {
		delete(cs.m, catKey{parts[0], parts[1]})
	}
}

func (cs *catalogues) invalidate(acct, id string) {
	cs.mu.Lock()
	delete(cs.m, catKey{acct, id})
	cs.mu.Unlock()
}

// Catalogue returns the gateway's current tool catalogue.
func (s *Service) Catalogue(ctx context.Context, id string) (*Catalogue, error) {
	t, err := tenant.From(ctx)
	if err != nil {
		return nil, err
	}
	key := catKey{t.Account, id}
	s.cat.mu.Lock()
	ce := s.cat.m[key]
	if ce == nil {
		ce = &catalogue{}
		s.cat.m[key] = ce
	}
	s.cat.mu.Unlock()
	ce.once.Do(func() {
		ce.fp, ce.err = s.fingerprint(ctx, t.Account, id)
		if ce.err == nil {
			ce.c, ce.err = s.build(ctx, t.Account, id)
		}
		ce.checked.Store(time.Now().UnixNano())
	})
	if ce.err != nil {
		s.cat.mu.Lock()
		if s.cat.m[key] == ce {
			delete(s.cat.m, key)
		}
		s.cat.mu.Unlock()
		return nil, ce.err
	}
	if last := ce.checked.Load(); time.Since(time.Unix(0, last)) > revalidate && ce.checked.CompareAndSwap(last, time.Now().UnixNano()) {
		if fp, err := s.fingerprint(ctx, t.Account, id); err == nil && fp != ce.fp {
			s.cat.mu.Lock()
			if s.cat.m[key] == ce {
				delete(s.cat.m, key)
			}
			s.cat.mu.Unlock()
			return s.Catalogue(ctx, id)
		}
	}
	return ce.c, nil
}

func (s *Service) build(ctx context.Context, acct, id string) (*Catalogue, error) {
	if err := ValidateGatewayID(id); err != nil {
		return nil, errs.E(errs.NotFound, "gateway %s not found", id)
	}
	g, err := s.repo.gateway(ctx, acct, id)
	if err != nil {
		return nil, err
	}
	c := &Catalogue{Gateway: g, byName: map[string]*Entry{}}
	next := ""
	for {
		ts, tok, err := list[Target](ctx, s.repo.kv, tblTarget, gwKey(acct, id)+"/", Page{MaxResults: 1000, NextToken: next})
		if err != nil {
			return nil, err
		}
		for _, tg := range ts {
			for i := range tg.Tools {
				e := &Entry{Name: tg.Name + Sep + tg.Tools[i].Name, Target: tg, Tool: &tg.Tools[i]}
				c.byName[e.Name] = e
				c.Tools = append(c.Tools, e)
			}
		}
		if tok == "" {
			break
		}
		next = tok
	}
	sort.Slice(c.Tools, func(i, j int) bool { return c.Tools[i].Name < c.Tools[j].Name })
	return c, nil
}
