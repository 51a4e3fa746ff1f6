// lib.js: the console's shared helpers (the contract in CONSOLE-CONTRACT.md).
// Pages use only these exports; no framework, no build step.

let csrfToken = '';

// setSession records the session answered by GET /console/api/session
// (app.js); every request then carries its CSRF token.
export function setSession(s) { csrfToken = (s && s.csrfToken) || ''; }

// ApiError is a failed request: status is the HTTP status, type the AWS
// error type (__type or X-Amzn-ErrorType, without the namespace).
export class ApiError extends Error {
  constructor(status, type, message) {
    super(message || type || `HTTP ${status}`);
    this.name = 'ApiError';
    this.status = status;
    this.type = type || '';
  }
}

function headers(extra, json) {
  const hd = { 'X-Agentcore-Csrf': csrfToken, Accept: 'application/json' };
  if (json) hd['Content-Type'] = 'application/json';
  return Object.assign(hd, extra || {});
}

function shortType(t) {
  if (!t) return '';
  t = String(t).split(':')[0];
  const i = t.lastIndexOf('#');
  return i >= 0 ? t.slice(i + 1) : t;
}

// signedOut tells app.js that the session is gone (a 401 from the API:
// expired or signed out elsewhere); it shows the sign-in form.
function signedOut(res, path) {
  if (res.status === 401 && !path.startsWith('/console/api/session')) window.dispatchEvent(new Event('console:signedout'));
}

async function toError(res) {
  let body = {};
  const text = await res.text().catch(() => '');
  try { body = text ? JSON.parse(text) : {}; } catch { body = { message: text.slice(0, 300) }; }
  const type = shortType(body.__type || res.headers.get('X-Amzn-ErrorType'));
  return new ApiError(res.status, type, body.message || body.Message || text.slice(0, 300) || res.statusText);
}

function encodeBody(body) {
  if (body === undefined || body === null) return [undefined, false];
  if (typeof body === 'string') return [body, false];
  return [JSON.stringify(body), true];
}

// api sends a JSON request and returns the decoded answer (null when
// empty). extraHeaders (optional) adds headers (e.g. a runtime session id).
export async function api(method, path, body, extraHeaders) {
  const [data, json] = encodeBody(body);
  const res = await fetch(path, { method, credentials: 'same-origin', headers: headers(extraHeaders, json || data !== undefined), body: data });
  if (!res.ok) { signedOut(res, path); throw await toError(res); }
  if (res.status === 204) return null;
  const text = await res.text();
  if (!text) return null;
  try { return JSON.parse(text); } catch { return text; }
}

// apiStream sends a request and hands the answer's text to onText as it
// arrives (InvokeAgentRuntime streams). extraHeaders (optional) adds
// headers such as the runtime session id. Returns the response headers.
export async function apiStream(method, path, body, onText, extraHeaders) {
  const [data, json] = encodeBody(body);
  const hd = headers(extraHeaders, json);
  hd.Accept = 'text/event-stream, application/json, */*';
  const res = await fetch(path, { method, credentials: 'same-origin', headers: hd, body: data });
  if (!res.ok) { signedOut(res, path); throw await toError(res); }
  if (!res.body) { onText(await res.text()); return res.headers; }
  const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    if (value) onText(value);
  }
  return res.headers;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

function build(el, attrs, children, svg) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'style' && typeof v === 'object') Object.assign(el.style, v);
    else if (!svg && k === 'class') el.className = v;
    else if (!svg && k === 'for') el.htmlFor = v;
    else if (!svg && k === 'value') el.value = v;
    else if (!svg && k === 'checked') el.checked = !!v;
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
}

// h builds an HTML element: h('button', {class: 'primary', onclick}, 'Save').
export function h(tag, attrs, ...children) {
  return build(document.createElement(tag), attrs, children, false);
}

// svg builds an SVG element (charts, waterfalls).
export function svg(tag, attrs, ...children) {
  return build(document.createElementNS(SVG_NS, tag), attrs, children, true);
}

// table renders rows under columns [{label, render: row => Node|string}].
export function table(columns, rows, opts = {}) {
  if (!rows || rows.length === 0) return h('p', { class: 'empty' }, opts.empty || 'Nothing here yet.');
  return h('div', { class: 'table-wrap' }, h('table', { class: opts.class || null },
    opts.caption ? h('caption', null, opts.caption) : null,
    h('thead', null, h('tr', null, columns.map(c => h('th', { scope: 'col' }, c.label)))),
    h('tbody', null, rows.map(r => h('tr', null, columns.map(c => h('td', null, c.render(r))))))));
}

// link is an <a> navigated on the client (a modified click opens normally).
export function link(href, text) {
  return h('a', {
    href,
    onclick: e => {
      if (e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      navigate(href);
    },
  }, text ?? href);
}

// navigate moves to path without a reload (app.js renders it).
export function navigate(path) {
  if (path !== location.pathname + location.search) history.pushState(null, '', path);
  window.dispatchEvent(new Event('console:navigate'));
}

// toDate reads seconds, milliseconds or nanoseconds since the epoch, RFC
// 3339 strings and Dates.
export function toDate(t) {
  if (t === null || t === undefined || t === '') return null;
  if (t instanceof Date) return t;
  if (typeof t === 'string' && /^\d+(\.\d+)?$/.test(t)) t = Number(t);
  if (typeof t === 'number') {
    if (t < 1e11) return new Date(t * 1000);
    if (t < 1e14) return new Date(t);
    return new Date(t / 1e6);
  }
  const d = new Date(t);
  return isNaN(d) ? null : d;
}

const pad = n => String(n).padStart(2, '0');

export function fmtTime(t) {
  const d = toDate(t);
  if (!d) return '—';
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function fmtBytes(n) {
  if (n === null || n === undefined || isNaN(n)) return '—';
  const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  while (Math.abs(n) >= 1024 && i < u.length - 1) { n /= 1024; i++; }
  return i === 0 ? `${n} B` : `${n.toFixed(n < 10 ? 1 : 0)} ${u[i]}`;
}

export function fmtDuration(ms) {
  if (ms === null || ms === undefined || isNaN(ms)) return '—';
  if (ms < 1) return `${(ms * 1000).toFixed(0)} µs`;
  if (ms < 1000) return `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(s < 10 ? 2 : 1)} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min ${Math.round(s % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

// errorBox shows an error where the data would be.
export function errorBox(err) {
  const type = err && err.type ? `${err.type}: ` : '';
  return h('div', { role: 'alert', class: 'error' }, type + ((err && err.message) || String(err)));
}

// poll runs fn now and every ms after it finishes (skipped while the tab
// is hidden) until the returned stop() is called. fn's errors are its own
// to show; polling goes on. opts.later: the first run is after ms too (the
// page has just loaded the data itself).
export function poll(fn, ms, opts = {}) {
  let stopped = false, timer = null;
  const tick = async () => {
    if (stopped) return;
    if (!document.hidden) {
      try { await fn(); } catch { /* the page shows its own errors */ }
    }
    if (!stopped) timer = setTimeout(tick, ms);
  };
  if (opts.later) timer = setTimeout(tick, ms); else tick();
  return () => { stopped = true; clearTimeout(timer); };
}
