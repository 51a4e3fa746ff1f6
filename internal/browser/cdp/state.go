package cdp

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"

	"github.com/chromedp/cdproto/cdp"
	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/network"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/storage"

	svc "github.com/agentcore-dev/agentcore/internal/browser"
	"github.com/agentcore-dev/agentcore/internal/runtime"
)

// SaveState implements browser.CDP: every cookie of the browser
// (Storage.getCookies) and the localStorage of the origin of every open
// page (read in the page).
func (Driver) SaveState(ctx context.Context, ac runtime.AgentConn) (*svc.ProfileState, error) {
	c, err := Dial(ctx, ac)
	if err != nil {
		return nil, err
	}
	defer c.Close()
	res, err := cdp.Call(ctx, c, storage.GetCookies, storage.GetCookiesParams{})
	if err != nil {
		return nil, err
	}
	st := &svc.ProfileState{Cookies: []json.RawMessage{}, LocalStorage: map[string]map[string]string{}}
	for _, ck := range res.Cookies {
		raw, err := jsonv2.Marshal(ck)
		if err != nil {
			return nil, err
		}
		st.Cookies = append(st.Cookies, raw)
	}
	pages, err := c.Pages(ctx)
	if err != nil {
		return nil, err
	}
	for _, t := range pages {
		origin := originOf(t.URL)
		if origin == "" {
			continue
		}
		p, err := c.Attach(ctx, t.TargetID)
		if err != nil {
			continue // the page went away meanwhile
		}
		items, err := readLocalStorage(ctx, p)
		p.Detach(ctx) //nolint:errcheck // the connection closes anyway
		if err != nil {
			return nil, fmt.Errorf("cdp: reading localStorage of %s: %w", origin, err)
		}
		if items.len() == 0 {
			continue
		}
		if st.LocalStorage[items.origin] == nil {
			st.LocalStorage[items.origin] = map[string]string{}
		}
		for k, v := range items.kv {
			st.LocalStorage[items.origin][k] = v
		}
	}
	return st, nil
}

// originOf is the origin of an http(s) URL, "" for other pages.
func originOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}

type storageItems struct {
	origin string
	kv     map[string]string
}

func (s storageItems) len() int { return len(s.kv) }

// readLocalStorage reads the page's origin and localStorage.
func readLocalStorage(ctx context.Context, p cdp.Session) (storageItems, error) {
	var v struct {
		Origin string            `json:"origin"`
		Items  map[string]string `json:"items"`
	}
	if err := evaluate(ctx, p, `({origin: location.origin, items: Object.fromEntries(Object.entries(localStorage))})`, &v); err != nil {
		return storageItems{}, err
	}
	return storageItems{origin: v.Origin, kv: v.Items}, nil
}

// evaluate runs expr in the page and decodes its JSON value into out.
func evaluate(ctx context.Context, p cdp.Session, expr string, out any) error {
	byValue := true
	res, err := cdp.Call(ctx, p, cdpruntime.Evaluate, cdpruntime.EvaluateParams{Expression: expr, ReturnByValue: &byValue})
	if err != nil {
		return err
	}
	if res.ExceptionDetails != nil {
		msg := res.ExceptionDetails.Text
		if ex := res.ExceptionDetails.Exception; ex != nil && ex.Description != "" {
			msg = ex.Description
		}
		return fmt.Errorf("cdp: script failed: %s", msg)
	}
	if out == nil || res.Result == nil || len(res.Result.Value) == 0 {
		return nil
	}
	return jsonv2.Unmarshal(res.Result.Value, out)
}

// RestoreState implements browser.CDP: the cookies with Storage.setCookies
// (host-only cookies set through their URL so they stay host-only), and each
// origin's localStorage written by a hidden page that loads the origin from
// a response Chromium is handed locally (no network needed).
func (Driver) RestoreState(ctx context.Context, ac runtime.AgentConn, st *svc.ProfileState) error {
	if st == nil {
		return nil
	}
	c, err := Dial(ctx, ac)
	if err != nil {
		return err
	}
	defer c.Close()
	var params []*network.CookieParam
	for _, raw := range st.Cookies {
		var ck network.Cookie
		if err := jsonv2.Unmarshal(raw, &ck); err != nil {
			return fmt.Errorf("cdp: saved cookie: %w", err)
		}
		params = append(params, cookieParam(&ck))
	}
	if len(params) > 0 {
		if _, err := cdp.Call(ctx, c, storage.SetCookies, storage.SetCookiesParams{Cookies: params}); err != nil {
			return err
		}
	}
	for origin, kv := range st.LocalStorage {
		if len(kv) == 0 || originOf(origin) != origin {
			continue
		}
		if err := fillLocalStorage(ctx, c, origin, kv); err != nil {
			return fmt.Errorf("cdp: restoring localStorage of %s: %w", origin, err)
		}
	}
	return nil
}

func cookieParam(ck *network.Cookie) *network.CookieParam {
	p := &network.CookieParam{Name: ck.Name, Value: ck.Value, Path: ck.Path, Secure: ck.Secure, HTTPOnly: ck.HTTPOnly,
		SameSite: ck.SameSite, Priority: ck.Priority, SourceScheme: ck.SourceScheme, SourcePort: ck.SourcePort,
		PartitionKey: ck.PartitionKey}
	if !ck.Session && ck.Expires > 0 {
		p.Expires = cdp.TimeSinceEpoch(ck.Expires)
	}
	if strings.HasPrefix(ck.Domain, ".") {
		p.Domain = ck.Domain
	} else {
		scheme := "http"
		if ck.Secure {
			scheme = "https"
		}
		p.URL = scheme + "://" + ck.Domain + ck.Path
	}
	return p
}
