package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// params are the decoded path labels of a matched route.
type params map[string]string

// handler is the shape of every operation: it writes its own success
// response and returns errors for the edge to encode.
type handler func(ctx context.Context, w http.ResponseWriter, r *http.Request, p params) error

// route is one line of the route table.
type route struct {
	Method string
	Path   string // escaped template, e.g. /runtimes/{agentRuntimeArn}/invocations
	Op     string // AWS operation name
	H      handler
	segs   []string
}

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
		shape := r.Method + " " + shapeOf(r.segs)
		if prev, dup := seen[shape]; dup {
			panic(fmt.Sprintf("httpapi: routes %s and %s collide (%s)", prev, r.Op, shape))
		}
		seen[shape] = r.Op
		rt.routes = append(rt.routes, &r)
	}
	return rt
}

func shapeOf(segs []string) string {
	out := make([]string, len(segs))
	for i, s := range segs {
		if strings.HasPrefix(s, "{") {
			out[i] = "*"
		} else {
			out[i] = s
		}
	}
	return strings.Join(out, "/")
}

// match returns the route and labels for r, or nil. pathOnly reports a path
// that exists with another method.
func (rt *router) match(method, escapedPath string) (*route, params, bool) {
	segs := strings.Split(escapedPath, "/")
	pathOnly := false
	for _, r := range rt.routes {
		if len(r.segs) != len(segs) {
			continue
		}
		p, ok := matchSegs(r.segs, segs)
		if !ok {
			continue
		}
		if r.Method != method {
			pathOnly = true
			continue
		}
		return r, p, false
	}
	return nil, nil, pathOnly
}

func matchSegs(tmpl, segs []string) (params, bool) {
	var p params
	for i, t := range tmpl {
		if strings.HasPrefix(t, "{") {
			if segs[i] == "" {
				return nil, false
			}
			v, err := url.PathUnescape(segs[i])
			if err != nil {
				return nil, false
			}
			if p == nil {
				p = params{}
			}
			p[strings.Trim(t, "{}")] = v
			continue
		}
		if t != segs[i] {
			return nil, false
		}
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
