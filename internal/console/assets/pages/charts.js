// charts.js: small inline SVG charts (no library): a line chart of one or
// more series over time, with axes, a legend and an accessible summary.
import { h, svg, toDate } from '../lib.js';

const W = 560, H = 180, PAD = { l: 46, r: 10, t: 10, b: 22 };

function niceMax(v) {
  if (!(v > 0)) return 1;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 4, 8, 10]) if (m * p >= v) return m * p; // quarters stay round
  return 10 * p;
}

function fmtTick(v) {
  if (v >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (v >= 1e3) return `${+(v / 1e3).toFixed(1)}k`;
  return `${+v.toFixed(v < 10 ? 1 : 0)}`;
}

function hhmm(d) {
  return `${String(d.getHours()).padStart(2, '0')}:${String(d.getMinutes()).padStart(2, '0')}`;
}

// lineChart draws series [{label, values: [number|null]}] over times
// (bucket starts); opts: {title, unit, step (s)}.
export function lineChart(times, series, opts = {}) {
  const n = times.length;
  const all = series.flatMap(s => s.values.filter(v => v !== null && v !== undefined));
  const max = niceMax(Math.max(0, ...all));
  const x = i => PAD.l + (n <= 1 ? 0 : (i / (n - 1)) * (W - PAD.l - PAD.r));
  const y = v => H - PAD.b - (v / max) * (H - PAD.t - PAD.b);
  const kids = [];
  for (let k = 0; k <= 4; k++) {
    const v = (max * k) / 4;
    kids.push(svg('line', { class: k === 0 ? 'axis' : 'grid', x1: PAD.l, x2: W - PAD.r, y1: y(v), y2: y(v) }));
    kids.push(svg('text', { x: PAD.l - 6, y: y(v) + 3, 'text-anchor': 'end' }, fmtTick(v)));
  }
  const ticks = Math.min(6, n);
  for (let k = 0; k < ticks; k++) {
    const i = Math.round((k * (n - 1)) / Math.max(1, ticks - 1));
    const d = toDate(times[i]);
    const anchor = k === 0 ? 'start' : k === ticks - 1 ? 'end' : 'middle';
    if (d) kids.push(svg('text', { x: x(i), y: H - 6, 'text-anchor': anchor }, hhmm(d)));
  }
  series.forEach((s, si) => {
    let d = '';
    let pen = false;
    s.values.forEach((v, i) => {
      if (v === null || v === undefined) { pen = false; return; }
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    if (d) kids.push(svg('path', { class: `s${si % 4}`, d }));
    // A point with no neighbour draws no line: a dot shows it.
    s.values.forEach((v, i) => {
      const none = j => j < 0 || j >= n || s.values[j] === null || s.values[j] === undefined;
      if (v !== null && v !== undefined && v > 0 && none(i - 1) && none(i + 1)) {
        kids.push(svg('circle', { class: `dot s${si % 4}`, cx: x(i).toFixed(1), cy: y(v).toFixed(1), r: 2.5 }));
      }
    });
  });
  const total = series.map(s => `${s.label}: ${fmtTick(s.values.reduce((a, v) => a + (v || 0), 0))}`).join(', ');
  const label = `${opts.title || 'chart'}${opts.unit ? ` (${opts.unit})` : ''} — ${opts.summary || `totals ${total}`}`;
  const chart = svg('svg', { class: 'chart', viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': label }, kids);
  return h('figure', { class: 'panel', style: { margin: '0' } },
    h('h3', null, opts.title || '', opts.unit ? h('span', { class: 'kind' }, opts.unit) : null),
    chart,
    h('div', { class: 'legend' }, series.map((s, si) => h('span', null, h('i', { class: `s${si % 4}` }), s.label))));
}

// seriesCharts renders the four overview charts from
// /_agentcore/observability/series.
export function seriesCharts(data) {
  const b = data.buckets || [];
  const t = b.map(x => x.start);
  const lat = k => b.map(x => (x.invocations ? x[k] : null));
  return h('div', { class: 'grid charts' },
    lineChart(t, [{ label: 'invocations', values: b.map(x => x.invocations) }], { title: 'Invocations', unit: 'per bucket' }),
    lineChart(t, [{ label: 'errors', values: b.map(x => x.errors) }], { title: 'Errors', unit: 'per bucket' }),
    lineChart(t, [{ label: 'p50', values: lat('p50Ms') }, { label: 'p90', values: lat('p90Ms') }, { label: 'p99', values: lat('p99Ms') }],
      { title: 'Latency', unit: 'ms', summary: `highest p99 ${fmtTick(Math.max(0, ...b.map(x => x.p99Ms || 0)))} ms` }),
    lineChart(t, [{ label: 'input', values: b.map(x => x.inputTokens) }, { label: 'output', values: b.map(x => x.outputTokens) }],
      { title: 'Tokens', unit: 'per bucket' }));
}
