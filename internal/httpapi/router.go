package httpapi

import (
	"cmp"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
)

// params are the decoded path labels of a matched route.
type params map[string]string

// handler is the shape of every operation: it writes its own success
// response and returns errors for the edge to encode.
type handler func(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error

// route is one line of the route table. Method "*" takes every method (the
// handler answers the ones it does not serve in its own protocol); a last
// label written {name+} is greedy, as in Smithy: it takes the rest of the
// path, slashes included.
type route struct {
	Method string
	Path   string // escaped template, e.g. /runtimes/{agentRuntimeArn}/invocations
	Op     string // AWS operation name
	H      handler
	Auth   authKind // how its callers authenticate (auth.go); zero: SigV4
	segs   []string
}

// anyMethod is the Method of a route that takes every method.
const anyMethod = "*"

// router matches on method and the escaped path, so "%2F" inside an ARN label
// never splits a segment; trailing slashes are significant.
type router struct {
	routes []*route
}

func newRouter(rs []route) *router {
	rt := &router{}
	seen := map[string]string{}
	for i := range rs {
		r := rs[i]
		r.segs = strings.Split(r.Path, "/")
		for j, s := range r.segs {
			if strings.HasSuffix(s, "+}") && j != len(r.segs)-1 {
				panic(fmt.Sprintf("httpapi: route %s: greedy label %s is not the last", r.Op, s))
			}
		}
		shape := shapeOf(r.segs)
		for _, m := range []string{r.Method, anyMethod} {
			if prev, dup := seen[m+" "+shape]; dup {
				panic(fmt.Sprintf("httpapi: routes %s and %s collide (%s %s)", prev, r.Op, r.Method, shape))
			}
		}
		if r.Method == anyMethod {
			for k, prev := range seen {
				if strings.HasSuffix(k, " "+shape) {
					panic(fmt.Sprintf("httpapi: routes %s and %s collide (%s)", prev, r.Op, k))
				}
			}
		}
		seen[r.Method+" "+shape] = r.Op
		rt.routes = append(rt.routes, &r)
	}
	// A path that fits an exact route and a greedy one takes the exact one.
	slices.SortStableFunc(rt.routes, func(a, b *route) int {
		return cmp.Compare(boolInt(a.greedy()), boolInt(b.greedy()))
	})
	return rt
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

func shapeOf(segs []string) string {
	out := make([]string, len(segs))
	for i, s := range segs {
		switch {
		case strings.HasSuffix(s, "+}"):
			out[i] = "**"
		case strings.HasPrefix(s, "{"):
			out[i] = "*"
		default:
			out[i] = s
		}
	}
	return strings.Join(out, "/")
}

// match returns the route and labels for r, or nil. pathOnly reports a path
// that exists with another method.
func (rt *router) match(method, escapedPath string) (*route, params, bool) {
	r, p, other := rt.lookup(method, escapedPath)
	return r, p, other != nil
}

// lookup is match that also returns, when only the method differs, a route
// of the path (whose Auth still says how the path's callers authenticate).
func (rt *router) lookup(method, escapedPath string) (*route, params, *route) {
	segs := strings.Split(escapedPath, "/")
	var other *route
	for _, r := range rt.routes {
		if len(r.segs) != len(segs) && !(r.greedy() && len(segs) >= len(r.segs)) {
			continue
		}
		p, ok := matchSegs(r.segs, segs)
		if !ok {
			continue
		}
		if r.Method != method && r.Method != anyMethod {
			if other == nil {
				other = r
			}
			continue
		}
		return r, p, nil
	}
	return nil, nil, other
}

// greedy reports a route whose last label takes the rest of the path.
func (r *route) greedy() bool {
	return len(r.segs) > 0 && strings.HasSuffix(r.segs[len(r.segs)-1], "+}")
}

// matchSegs matches a path against a route template. The literal labels
// are compared first, so the routes tried before the right one cost no
// unescaping and no params map.
func matchSegs(tmpl, segs []string) (params, bool) {
	for i, t := range tmpl {
		if strings.HasPrefix(t, "{") {
			if segs[i] == "" && !strings.HasSuffix(t, "+}") {
				return nil, false
			}
			continue
		}
		if t != segs[i] {
			return nil, false
		}
	}
	var p params
	for i, t := range tmpl {
		if !strings.HasPrefix(t, "{") {
			continue
		}
		seg := segs[i]
		if strings.HasSuffix(t, "+}") { // greedy: the rest of the path
			seg = strings.Join(segs[i:], "/")
			t = strings.TrimSuffix(t, "+}") + "}"
		}
		if seg == "" {
			return nil, false
		}
		v, err := url.PathUnescape(seg)
		if err != nil {
			return nil, false
		}
		if p == nil {
			p = make(params, 2)
		}
		p[strings.Trim(t, "{}")] = v
	}
	return p, true
}

// Ops lists the operation names in the table (for tests and docs).
func (rt *router) Ops() []string {
	var out []string
	for _, r := range rt.routes {
		out = append(out, r.Method+" "+r.Path+" "+r.Op)
	}
	return out
}
