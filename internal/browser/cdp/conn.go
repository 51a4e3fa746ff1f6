package cdp

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"sync"

	"github.com/chromedp/cdproto/cdp"
	jsonv2 "github.com/chromedp/cdproto/cdp/jsonv2"
	"github.com/chromedp/cdproto/target"

	"github.com/agentcore-dev/agentcore/internal/runtime"
)

// MaxMessage bounds one CDP message read from Chromium (screenshots and
// screencast frames of large viewports are several MiB of base64).
const MaxMessage = 64 << 20

// ErrClosed is returned by calls on a connection that has ended.
var ErrClosed = errors.New("cdp: connection closed")

// message is one CDP message (command, response or event), flat mode.
type message struct {
	ID        int64            `json:"id,omitzero"`
	SessionID target.SessionID `json:"sessionId,omitzero"`
	Method    string           `json:"method,omitzero"`
	Params    jsonv2.Value     `json:"params,omitzero"`
	Result    jsonv2.Value     `json:"result,omitzero"`
	Error     *Error           `json:"error,omitzero"`
}

// Error is an error answer of Chromium to a command.
type Error struct {
	Code    int64  `json:"code"`
	Message string `json:"message"`
	Data    string `json:"data,omitzero"`
}

func (e *Error) Error() string {
	if e.Data != "" {
		return fmt.Sprintf("%s (%d): %s", e.Message, e.Code, e.Data)
	}
	return fmt.Sprintf("%s (%d)", e.Message, e.Code)
}

// Conn is a browser-level CDP connection over a runtime.WebSocketConn: it
// sends commands (for the browser, or for an attached target's flat
// session) and routes answers and events. It implements cdp.Session for
// the browser target; Session gives one for an attached target.
type Conn struct {
	ac     runtime.AgentConn // nil for NewConn: no HTTP endpoint to ask
	ws     runtime.WebSocketConn
	cancel context.CancelFunc
	done   chan struct{}

	mu      sync.Mutex
	next    int64
	pending map[int64]chan *message
	subs    map[subKey]map[chan jsonv2.Value]struct{}
	err     error
}

type subKey struct {
	session target.SessionID
	method  string
}

// subBuffer is how many events a subscription holds before newer ones are
// dropped (a subscriber that stops reading must not stall the connection).
const subBuffer = 1024

// BrowserPath asks Chromium's devtools HTTP endpoint (GET /json/version)
// for the path of its browser-level WebSocket, "/devtools/browser/<id>".
func BrowserPath(ctx context.Context, ac runtime.AgentConn) (string, error) {
	resp, err := ac.RoundTrip(ctx, &runtime.AgentRequest{Method: "GET", Path: "/json/version"})
	if err != nil {
		return "", fmt.Errorf("cdp: GET /json/version: %w", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("cdp: GET /json/version: %w", err)
	}
	if resp.Status != 200 {
		return "", fmt.Errorf("cdp: GET /json/version answered %d: %s", resp.Status, strings.TrimSpace(string(body)))
	}
	var v struct {
		URL string `json:"webSocketDebuggerUrl"`
	}
	if err := json.Unmarshal(body, &v); err != nil || v.URL == "" {
		return "", fmt.Errorf("cdp: /json/version has no webSocketDebuggerUrl: %s", body)
	}
	u, err := url.Parse(v.URL)
	if err != nil || !strings.HasPrefix(u.Path, "/devtools/browser/") {
		return "", fmt.Errorf("cdp: unexpected webSocketDebuggerUrl %q", v.URL)
	}
	return u.Path, nil
}

// Dial opens the browser-level CDP connection of the Chromium behind ac.
func Dial(ctx context.Context, ac runtime.AgentConn) (*Conn, error) {
	path, err := BrowserPath(ctx, ac)
	if err != nil {
		return nil, err
	}
	return DialPath(ctx, ac, path)
}

// DialPath opens the browser-level CDP WebSocket at path (from BrowserPath).
func DialPath(ctx context.Context, ac runtime.AgentConn, path string) (*Conn, error) {
	ws, err := ac.DialWebSocket(ctx, path, nil, nil)
	if err != nil {
		return nil, fmt.Errorf("cdp: dial %s: %w", path, err)
	}
	c := NewConn(ws)
	c.ac = ac
	return c, nil
}

// NewConn runs the message loop on an open CDP WebSocket.
func NewConn(ws runtime.WebSocketConn) *Conn {
	ws.SetReadLimit(MaxMessage)
	ctx, cancel := context.WithCancel(context.Background())
	c := &Conn{ws: ws, cancel: cancel, done: make(chan struct{}),
		pending: map[int64]chan *message{}, subs: map[subKey]map[chan jsonv2.Value]struct{}{}}
	go c.loop(ctx)
	return c
}

// Done is closed when the connection has ended; Err then says why.
func (c *Conn) Done() <-chan struct{} { return c.done }

// Err is why the connection ended (nil while it is open).
func (c *Conn) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Close ends the connection (Chromium detaches its sessions).
func (c *Conn) Close() error {
	err := c.ws.Close(runtime.CloseNormal, "")
	c.cancel()
	<-c.done
	return err
}

func (c *Conn) loop(ctx context.Context) {
	var err error
	for {
		var data []byte
		_, data, err = c.ws.Read(ctx)
		if err != nil {
			break
		}
		var m message
		if jerr := jsonv2.Unmarshal(data, &m); jerr != nil {
			continue // not a CDP message; nothing waits for it
		}
		c.dispatch(&m)
	}
	c.ws.CloseNow() //nolint:errcheck // already broken or closed
	c.mu.Lock()
	c.err = fmt.Errorf("%w: %w", ErrClosed, err)
	for id, ch := range c.pending {
		close(ch)
		delete(c.pending, id)
	}
	for k, set := range c.subs {
		for ch := range set {
			close(ch)
		}
		delete(c.subs, k)
	}
	c.mu.Unlock()
	close(c.done)
}

func (c *Conn) dispatch(m *message) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if m.ID != 0 {
		if ch, ok := c.pending[m.ID]; ok {
			delete(c.pending, m.ID)
			ch <- m
		}
		return
	}
	for ch := range c.subs[subKey{m.SessionID, m.Method}] {
		select {
		case ch <- m.Params:
		default: // the subscriber is behind; drop rather than stall
		}
	}
}

// call sends method with params on session ("" = the browser) and decodes
// the answer into result (nil or *cdp.Empty: ignored).
func (c *Conn) call(ctx context.Context, session target.SessionID, method string, params, result any) error {
	raw, err := jsonv2.Marshal(params)
	if err != nil {
		return fmt.Errorf("cdp: %s: encoding params: %w", method, err)
	}
	ch := make(chan *message, 1)
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return c.err
	}
	c.next++
	id := c.next
	c.pending[id] = ch
	c.mu.Unlock()
	out, err := jsonv2.Marshal(message{ID: id, SessionID: session, Method: method, Params: raw})
	if err == nil {
		err = c.ws.Write(ctx, runtime.MessageText, out)
	}
	if err != nil {
		c.forget(id)
		return fmt.Errorf("cdp: %s: %w", method, err)
	}
	select {
	case m, ok := <-ch:
		if !ok {
			return fmt.Errorf("cdp: %s: %w", method, c.Err())
		}
		if m.Error != nil {
			return fmt.Errorf("cdp: %s: %w", method, m.Error)
		}
		if _, empty := result.(*cdp.Empty); result == nil || empty || len(m.Result) == 0 {
			return nil
		}
		if err := jsonv2.Unmarshal(m.Result, result); err != nil {
			return fmt.Errorf("cdp: %s: decoding result: %w", method, err)
		}
		return nil
	case <-ctx.Done():
		c.forget(id)
		return ctx.Err()
	}
}

func (c *Conn) forget(id int64) {
	c.mu.Lock()
	delete(c.pending, id)
	c.mu.Unlock()
}

func (c *Conn) subscribe(session target.SessionID, method string) (<-chan jsonv2.Value, func()) {
	ch := make(chan jsonv2.Value, subBuffer)
	k := subKey{session, method}
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		close(ch)
		return ch, func() {}
	}
	if c.subs[k] == nil {
		c.subs[k] = map[chan jsonv2.Value]struct{}{}
	}
	c.subs[k][ch] = struct{}{}
	c.mu.Unlock()
	var once sync.Once
	return ch, func() {
		once.Do(func() {
			c.mu.Lock()
			if set, ok := c.subs[k]; ok {
				if _, ok := set[ch]; ok {
					delete(set, ch)
					close(ch)
				}
			}
			c.mu.Unlock()
		})
	}
}

// Call implements cdp.Session for the browser target.
func (c *Conn) Call(ctx context.Context, method string, params, result any) error {
	return c.call(ctx, "", method, params, result)
}

// Subscribe implements cdp.Session for the browser target's events.
func (c *Conn) Subscribe(method string) (<-chan jsonv2.Value, func()) {
	return c.subscribe("", method)
}

// Session is the cdp.Session of an attached target (flat mode).
func (c *Conn) Session(id target.SessionID) cdp.Session { return session{c, id} }

type session struct {
	c  *Conn
	id target.SessionID
}

func (s session) Call(ctx context.Context, method string, params, result any) error {
	return s.c.call(ctx, s.id, method, params, result)
}

func (s session) Subscribe(method string) (<-chan jsonv2.Value, func()) {
	return s.c.subscribe(s.id, method)
}

var _ cdp.Session = (*Conn)(nil)
