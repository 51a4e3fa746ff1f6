// common.js: helpers the console's runtime, session and tool pages share.
import { h, link, toDate, fmtDuration, ApiError } from '../lib.js';

// runtimeIdOf is the runtime id of a runtime ARN (…:runtime/<id>[/…]).
export function runtimeIdOf(arn) {
  if (!arn) return '';
  const m = /:runtime\/([^/]+)/.exec(arn);
  return m ? m[1] : arn;
}

// sessionHref is the session view of a runtime's session.
export function sessionHref(runtimeId, sessionId) {
  return `/console/sessions/${encodeURIComponent(runtimeId || '-')}/${encodeURIComponent(sessionId)}`;
}

export function sessionLink(runtimeId, sessionId) {
  return link(sessionHref(runtimeId, sessionId), h('code', null, sessionId));
}

export function runtimeLink(id, text) {
  return link(`/console/runtimes/${encodeURIComponent(id)}`, text || id);
}

const GOOD = new Set(['READY', 'ACTIVE', 'ENABLED', 'SUCCESS', 'COMPLETED', 'RUNNING', 'ok']);
const BAD = new Set(['FAILED', 'CREATE_FAILED', 'UPDATE_FAILED', 'DELETE_FAILED', 'ERROR', 'TERMINATED', 'error']);

// badge shows a status with its colour (the text says it too).
export function badge(status) {
  const s = String(status || '—');
  const cls = GOOD.has(s) ? 'ok' : BAD.has(s) ? 'bad' : s.endsWith('ING') ? 'warn' : '';
  return h('span', { class: `badge ${cls}` }, s);
}

// age is the time since t ("3 min 5 s").
export function age(t) {
  const d = toDate(t);
  return d ? fmtDuration(Math.max(0, Date.now() - d.getTime())) : '—';
}

// notEnabled reports a service the server does not run (its routes answer
// UnknownOperationException or 404).
export function notEnabled(err) {
  return err instanceof ApiError && (err.status === 404 || err.type === 'UnknownOperationException');
}

// section is an <h2> and its content.
export function section(title, ...content) {
  const id = 'h-' + title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return h('section', { 'aria-labelledby': id }, h('h2', { id }, title), ...content);
}

// kv renders a definition list of [label, value] pairs (empty values skipped).
export function kv(pairs) {
  return h('dl', { class: 'kv' }, pairs.filter(([, v]) => v !== undefined && v !== null && v !== '')
    .flatMap(([k, v]) => [h('dt', null, k), h('dd', null, v)]));
}

// slot is a container a poller refills.
export function slot(cls) {
  return h('div', { class: cls || null });
}
