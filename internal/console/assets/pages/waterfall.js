// waterfall.js: a trace waterfall — spans nested under their parents (a
// span whose parent is not stored is a root), bars on a shared time axis,
// a span's attributes, events and status shown on demand. Built for
// thousands of spans: rows are plain elements made once, details lazily.
import { h, toDate, fmtDuration, fmtTime } from '../lib.js';

const ms = t => { const d = toDate(t); return d ? d.getTime() : NaN; };

// isPlatform tells the server's own spans from the agent's.
export function isPlatform(sp) {
  return sp.serviceName === 'agentcore' || (sp.resourceAttributes || {})['service.name'] === 'agentcore';
}

// order returns spans depth-first (children by start time) with depths.
export function order(spans) {
  const byId = new Map();
  for (const sp of spans) if (!byId.has(sp.spanId)) byId.set(sp.spanId, sp);
  const kids = new Map();
  const roots = [];
  for (const sp of spans) {
    const p = sp.parentSpanId && sp.parentSpanId !== sp.spanId ? byId.get(sp.parentSpanId) : null;
    if (p) {
      if (!kids.has(p.spanId)) kids.set(p.spanId, []);
      kids.get(p.spanId).push(sp);
    } else roots.push(sp);
  }
  const byStart = (a, b) => ms(a.startTime) - ms(b.startTime);
  const out = [];
  const seen = new Set();
  const stack = roots.sort(byStart).reverse().map(sp => [sp, 0]);
  while (stack.length) {
    const [sp, depth] = stack.pop();
    if (seen.has(sp)) continue; // a parent cycle
    seen.add(sp);
    out.push({ span: sp, depth });
    const c = (kids.get(sp.spanId) || []).sort(byStart);
    for (let i = c.length - 1; i >= 0; i--) stack.push([c[i], depth + 1]);
  }
  for (const sp of spans) if (!seen.has(sp)) out.push({ span: sp, depth: 0 }); // cycles: never hide a span
  return out;
}

function fmtVal(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

function details(sp) {
  const attrs = Object.entries(sp.attributes || {}).sort(([a], [b]) => a.localeCompare(b));
  const res = Object.entries(sp.resourceAttributes || {}).sort(([a], [b]) => a.localeCompare(b));
  const rows = list => h('dl', { class: 'kv' }, list.flatMap(([k, v]) => [h('dt', { class: 'mono' }, k), h('dd', { class: 'mono' }, fmtVal(v))]));
  return h('div', { class: 'wf-attrs', id: `wf-attrs-${sp.spanId}` },
    rows([['span id', sp.spanId], ['parent', sp.parentSpanId || '—'], ['trace', sp.traceId], ['service', sp.serviceName || '—'],
      ['start', fmtTime(sp.startTime)], ['duration', fmtDuration(ms(sp.endTime) - ms(sp.startTime))],
      ['status', sp.statusCode === 2 ? `ERROR ${sp.statusMessage || ''}` : sp.statusCode === 1 ? 'OK' : 'UNSET']]),
    attrs.length ? [h('h3', null, 'Attributes'), rows(attrs)] : null,
    (sp.events || []).length ? [h('h3', null, 'Events'), rows(sp.events.map(e => [`${fmtTime(e.time)} ${e.name}`, e.attributes || '']))] : null,
    res.length ? [h('h3', null, 'Resource'), rows(res)] : null);
}

// waterfall renders spans; opts.open: span ids whose details are shown
// (kept across refreshes by the caller).
export function waterfall(spans, opts = {}) {
  const open = opts.open || new Set();
  if (!spans.length) return h('p', { class: 'empty' }, 'No spans stored for this session yet.');
  let t0 = Infinity, t1 = -Infinity;
  for (const sp of spans) { t0 = Math.min(t0, ms(sp.startTime)); t1 = Math.max(t1, ms(sp.endTime)); }
  const total = Math.max(1, t1 - t0);
  const rows = order(spans);
  const frag = document.createDocumentFragment();
  for (const { span: sp, depth } of rows) {
    const s = ms(sp.startTime), e = ms(sp.endTime);
    const left = ((s - t0) / total) * 100;
    const width = Math.max(0.15, ((e - s) / total) * 100);
    const platform = isPlatform(sp);
    const name = h('button', {
      type: 'button', class: 'wf-name', 'aria-expanded': open.has(sp.spanId) ? 'true' : 'false',
      'aria-controls': `wf-attrs-${sp.spanId}`, title: sp.name, style: { paddingLeft: `${6 + depth * 14}px` },
    }, sp.name, h('span', { class: 'kind' }, platform ? 'platform' : 'agent'));
    const row = h('div', {
      class: 'wf-row', 'data-span-id': sp.spanId, 'data-parent-span-id': sp.parentSpanId || '',
      'data-depth': depth, 'data-name': sp.name, 'data-kind': platform ? 'platform' : 'agent',
    }, name, h('div', { class: 'wf-track' },
      h('div', { class: `wf-bar ${platform ? '' : 'agent'} ${sp.error ? 'err' : ''}`, style: { left: `${left}%`, width: `${width}%` } }),
      h('span', { class: 'wf-dur', style: left + width > 80 ? { right: `${100 - left + 0.5}%` } : { left: `${left + width + 0.5}%` } },
        fmtDuration(e - s))));
    frag.append(row);
    if (open.has(sp.spanId)) frag.append(details(sp));
    name.addEventListener('click', () => {
      const shown = row.nextElementSibling && row.nextElementSibling.id === `wf-attrs-${sp.spanId}`;
      if (shown) { row.nextElementSibling.remove(); open.delete(sp.spanId); name.setAttribute('aria-expanded', 'false'); }
      else { row.after(details(sp)); open.add(sp.spanId); name.setAttribute('aria-expanded', 'true'); }
    });
  }
  return h('div', { class: 'wf panel', role: 'region', 'aria-label': `Trace waterfall, ${spans.length} spans over ${fmtDuration(total)}` },
    h('div', { class: 'wf-row wf-head', 'aria-hidden': 'true' }, h('span', { class: 'kind' }, `${spans.length} spans`),
      h('span', { class: 'kind' }, `0 — ${fmtDuration(total)}`)),
    frag);
}
