// session.js: one session — the trace waterfall (platform and agent spans
// nested), logs interleaved with span starts by time, GenAI token usage
// and evaluation scores. A running session refreshes itself.
import { api, h, table, poll, errorBox, fmtTime, toDate } from '../lib.js';
import { waterfall, order, isPlatform } from './waterfall.js';
import { badge, kv, section, slot, runtimeLink, notEnabled } from './common.js';

export const title = 'Session';

const MAX_TRACES = 50, MAX_LOGS = 5000, SPAN_STARTS = 300;

async function loadSpans(sessionId) {
  const s = await api('GET', `/_agentcore/observability/sessions/${encodeURIComponent(sessionId)}`);
  const traces = (s.traces || []).slice(-MAX_TRACES);
  const spans = (await Promise.all(traces.map(t => api('GET', `/_agentcore/observability/traces/${t.traceId}`)
    .then(o => o.spans || [], () => [])))).flat();
  return { traces, spans };
}

async function loadLogs(sessionId) {
  let out = [], next = '';
  do {
    const o = await api('GET', `/_agentcore/observability/logs?sessionId=${encodeURIComponent(sessionId)}&limit=1000${next ? `&nextToken=${encodeURIComponent(next)}` : ''}`);
    out = out.concat(o.logs || []);
    next = o.nextToken || '';
  } while (next && out.length < MAX_LOGS);
  return out;
}

function tokenUsage(spans) {
  const by = new Map();
  for (const sp of spans) {
    const a = sp.attributes || {};
    const inp = Number(a['gen_ai.usage.input_tokens'] ?? a['gen_ai.usage.prompt_tokens'] ?? NaN);
    const outp = Number(a['gen_ai.usage.output_tokens'] ?? a['gen_ai.usage.completion_tokens'] ?? NaN);
    if (isNaN(inp) && isNaN(outp)) continue;
    const model = a['gen_ai.response.model'] || a['gen_ai.request.model'] || '(unknown model)';
    const r = by.get(model) || { model, calls: 0, input: 0, output: 0 };
    r.calls++;
    r.input += isNaN(inp) ? 0 : inp;
    r.output += isNaN(outp) ? 0 : outp;
    by.set(model, r);
  }
  return [...by.values()];
}

// timeline merges log records and span starts by time.
function timeline(logs, spans, withSpans) {
  const items = logs.map(l => ({ t: toDate(l.time), log: l }));
  if (withSpans) for (const sp of spans) items.push({ t: toDate(sp.startTime), span: sp });
  items.sort((a, b) => a.t - b.t);
  if (!items.length) return h('p', { class: 'empty' }, 'No log records for this session.');
  return h('div', { class: 'scroll panel', id: 'session-logs', tabindex: '0', 'aria-label': 'Logs and span starts by time' },
    items.map(it => it.log
      ? h('div', { class: 'log-line', 'data-stream': it.log.stream },
        h('span', { class: 'mono' }, fmtTime(it.log.time)),
        h('span', { class: `sev-${String(it.log.severity || (it.log.stream === 'stderr' ? 'WARN' : '')).toUpperCase()}` }, it.log.severity || it.log.stream),
        h('span', { class: 'mono' }, it.log.body))
      : h('div', { class: 'log-line span' },
        h('span', { class: 'mono' }, fmtTime(it.span.startTime)),
        h('span', null, isPlatform(it.span) ? 'platform' : 'agent'),
        h('span', null, `▶ ${it.span.name}`))));
}

export async function render(root, params) {
  const { runtimeId, sessionId } = params;
  const open = new Set();
  const head = slot(), wf = slot(), logsEl = slot(), tokens = slot(), evals = slot();
  let traceSel = 'all', withSpans = null, data = { traces: [], spans: [] }, logs = [];
  const sel = h('select', { id: 'trace-select', onchange: e => { traceSel = e.target.value; drawSpans(); } });
  const spanToggle = h('input', { type: 'checkbox', id: 'log-spans', onchange: e => { withSpans = e.target.checked; drawLogs(); } });
  root.append(
    h('h1', null, 'Session ', h('code', null, sessionId)),
    head,
    section('Trace', h('div', { class: 'row' }, h('label', { for: 'trace-select' }, 'Trace'), sel), wf),
    section('Token usage', tokens),
    section('Evaluations', evals),
    section('Logs', h('div', { class: 'row' }, spanToggle, h('label', { for: 'log-spans', style: { display: 'inline', fontWeight: 'normal' } }, 'show span starts')), logsEl));

  function drawSpans() {
    const spans = traceSel === 'all' ? data.spans : data.spans.filter(s => s.traceId === traceSel);
    const t0 = performance.now();
    wf.replaceChildren(waterfall(spans, { open }));
    wf.dataset.renderMs = String(Math.round(performance.now() - t0));
    const u = tokenUsage(data.spans);
    tokens.replaceChildren(table([
      { label: 'Model', render: r => h('code', null, r.model) },
      { label: 'Calls', render: r => String(r.calls) },
      { label: 'Input tokens', render: r => String(r.input) },
      { label: 'Output tokens', render: r => String(r.output) },
      { label: 'Total', render: r => String(r.input + r.output) },
    ], u, { empty: 'No GenAI token usage reported by this session\'s spans.' }));
  }
  function drawLogs() {
    // Span starts are interleaved by default for small traces only (a big
    // trace's starts would drown the logs); the checkbox decides after.
    const on = withSpans === null ? data.spans.length <= SPAN_STARTS : withSpans;
    spanToggle.checked = on;
    const spans = on ? order(data.spans).map(r => r.span) : [];
    logsEl.replaceChildren(timeline(logs, spans, on));
  }
  function drawHead(running) {
    const errs = data.spans.filter(s => s.error).length;
    const starts = data.traces.map(t => toDate(t.startTime)).filter(Boolean);
    const ends = data.traces.map(t => toDate(t.endTime)).filter(Boolean);
    head.replaceChildren(h('div', { class: 'panel' }, kv([
      ['Runtime', runtimeId && runtimeId !== '-' ? runtimeLink(runtimeId) : '—'],
      ['State', running ? badge('RUNNING') : badge('ENDED')],
      ['Traces', String(data.traces.length)],
      ['Spans', `${data.spans.length} (${data.spans.filter(isPlatform).length} platform, ${data.spans.filter(s => !isPlatform(s)).length} agent)`],
      ['Errors', errs ? badge(`${errs} errors`) : '0'],
      ['First span', starts.length ? fmtTime(new Date(Math.min(...starts))) : '—'],
      ['Last span end', ends.length ? fmtTime(new Date(Math.max(...ends))) : '—'],
      ['Log records', String(logs.length)],
    ])));
  }

  let lastKey = '';
  async function refresh() {
    let running = false;
    const [d, l, rs] = await Promise.all([
      loadSpans(sessionId).catch(e => e),
      loadLogs(sessionId).catch(e => e),
      api('GET', '/_agentcore/sessions').catch(() => ({ sessions: [] })),
    ]);
    running = (rs.sessions || []).some(s => s.sessionId === sessionId);
    performance.mark('session:data');
    let changed = false;
    if (d instanceof Error) { wf.replaceChildren(notEnabled(d) ? h('p', { class: 'empty' }, 'Observability is not enabled.') : errorBox(d)); }
    else {
      data = d;
      const key = `${d.spans.length}/${d.traces.length}`;
      if (key !== lastKey) {
        changed = true;
        lastKey = key;
        sel.replaceChildren(h('option', { value: 'all' }, `all traces (${d.traces.length})`),
          ...d.traces.map(t => h('option', { value: t.traceId }, `${fmtTime(t.startTime)} ${t.rootName || ''} (${t.spanCount} spans)`)));
        if (traceSel !== 'all' && !d.traces.some(t => t.traceId === traceSel)) traceSel = 'all';
        sel.value = traceSel;
        drawSpans();
      }
    }
    if (l instanceof Error) logsEl.replaceChildren(errorBox(l));
    else if (changed || l.length !== logs.length || !logsEl.firstChild) { logs = l; drawLogs(); }
    drawHead(running);
    performance.mark('session:drawn');
    return running;
  }

  async function refreshEvals() {
    try {
      const o = await api('GET', `/_agentcore/evaluations?sessionId=${encodeURIComponent(sessionId)}`);
      evals.replaceChildren(table([
        { label: 'Evaluator', render: r => r.evaluatorName || r.evaluatorId },
        { label: 'Score', render: r => (r.value !== undefined && r.value !== null ? h('strong', null, Number(r.value).toFixed(2)) : '—') },
        { label: 'Label', render: r => r.label || (r.errorCode ? badge(r.errorCode) : '') },
        { label: 'Explanation', render: r => r.explanation || r.errorMessage || '' },
        { label: 'Evaluated', render: r => fmtTime(r.evaluatedAt) },
      ], o.evaluations || [], { empty: 'No evaluation scores for this session.' }));
    } catch (e) {
      evals.replaceChildren(notEnabled(e) ? h('p', { class: 'empty' }, 'Online evaluation is not enabled.') : errorBox(e));
    }
  }

  const [running] = await Promise.all([refresh(), refreshEvals()]);
  // A running session (or one whose spans are still arriving) refreshes.
  const stops = [poll(refresh, running ? 2000 : 15000, { later: true }), poll(refreshEvals, 15000, { later: true })];
  return () => stops.forEach(s => s());
}
