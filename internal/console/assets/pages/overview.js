// overview.js: runtimes, sessions running now, recent sessions and the
// invocations / errors / latency / tokens charts.
import { api, h, table, poll, errorBox, fmtTime } from '../lib.js';
import { seriesCharts } from './charts.js';
import { runtimeLink, runtimeIdOf, sessionLink, badge, age, notEnabled, section, slot } from './common.js';

export const title = 'Overview';

const RANGES = [['1h', 3600e3], ['6h', 6 * 3600e3], ['24h', 24 * 3600e3], ['7d', 7 * 24 * 3600e3]];

export async function render(root, params, ctx) {
  let range = RANGES[0][1];
  const cards = slot('cards');
  const charts = slot();
  const running = slot();
  const runtimes = slot();
  const recent = slot();
  const rangeSel = h('select', {
    id: 'range', onchange: e => { range = Number(e.target.value); refreshSeries(); },
  }, RANGES.map(([l, ms]) => h('option', { value: ms }, `last ${l}`)));
  root.append(
    h('h1', null, 'Overview'),
    cards,
    h('div', { class: 'row' }, h('label', { for: 'range' }, 'Charts'), rangeSel),
    charts,
    section('Sessions running now', running),
    section('Runtimes', runtimes),
    section('Recent sessions', recent));

  let runtimeById = {};
  const counts = { runtimes: '—', running: '—', invocations: '—', errors: '—', tokens: '—' };
  const drawCards = () => cards.replaceChildren(...[
    ['Runtimes', counts.runtimes], ['Sessions now', counts.running], ['Invocations', counts.invocations],
    ['Errors', counts.errors], ['Tokens', counts.tokens],
  ].map(([k, v]) => h('div', { class: 'card' }, h('div', { class: 'v' }, String(v)), h('div', { class: 'k' }, k))));
  drawCards();

  async function refreshRuntimes() {
    try {
      const out = await api('POST', '/runtimes/?maxResults=100', {});
      const list = out.agentRuntimes || [];
      runtimeById = Object.fromEntries(list.map(r => [r.agentRuntimeId, r]));
      counts.runtimes = list.length;
      runtimes.replaceChildren(table([
        { label: 'Name', render: r => runtimeLink(r.agentRuntimeId, r.agentRuntimeName) },
        { label: 'ID', render: r => h('code', null, r.agentRuntimeId) },
        { label: 'Version', render: r => r.agentRuntimeVersion },
        { label: 'Status', render: r => badge(r.status) },
        { label: 'Updated', render: r => fmtTime(r.lastUpdatedAt) },
      ], list, { empty: 'No runtimes yet: deploy one with `agentcore deploy` or CreateAgentRuntime.' }));
    } catch (e) {
      runtimes.replaceChildren(notEnabled(e) ? h('p', { class: 'empty' }, 'The Runtime service is not enabled.') : errorBox(e));
    }
    drawCards();
  }

  async function refreshRunning() {
    try {
      const out = await api('GET', '/_agentcore/sessions');
      const list = (out.sessions || []).sort((a, b) => String(b.startedAt).localeCompare(String(a.startedAt)));
      counts.running = list.length;
      running.replaceChildren(table([
        { label: 'Session', render: s => sessionLink(s.runtimeId, s.sessionId) },
        { label: 'Runtime', render: s => runtimeLink(s.runtimeId, (runtimeById[s.runtimeId] || {}).agentRuntimeName || s.runtimeId) },
        { label: 'Version', render: s => String(s.version) },
        { label: 'State', render: s => badge(s.inFlight > 0 || s.healthyBusy ? 'BUSY' : 'IDLE') },
        { label: 'Age', render: s => age(s.startedAt) },
        { label: 'Last active', render: s => age(s.lastActiveAt) + ' ago' },
      ], list, { empty: 'No session is running.' }));
    } catch (e) {
      running.replaceChildren(notEnabled(e) ? h('p', { class: 'empty' }, 'The Runtime service is not enabled.') : errorBox(e));
    }
    drawCards();
  }

  async function refreshRecent() {
    try {
      const out = await api('GET', '/_agentcore/observability/sessions?limit=15');
      recent.replaceChildren(table([
        { label: 'Session', render: s => sessionLink(runtimeIdOf(s.runtimeArn), s.sessionId) },
        { label: 'Runtime', render: s => (s.runtimeArn ? runtimeLink(runtimeIdOf(s.runtimeArn)) : '—') },
        { label: 'First seen', render: s => fmtTime(s.firstSeen) },
        { label: 'Last seen', render: s => fmtTime(s.lastSeen) },
        { label: 'Spans', render: s => String(s.spanCount) },
        { label: 'Errors', render: s => (s.errorCount ? badge(`${s.errorCount} errors`) : '0') },
      ], out.sessions || [], { empty: 'No traced session yet.' }));
    } catch (e) {
      recent.replaceChildren(notEnabled(e) ? h('p', { class: 'empty' }, 'Observability is not enabled.') : errorBox(e));
    }
  }

  async function refreshSeries() {
    const to = Date.now();
    try {
      const data = await api('GET', `/_agentcore/observability/series?from=${to - range}&to=${to}&buckets=60`);
      const b = data.buckets || [];
      const sum = k => b.reduce((a, x) => a + (x[k] || 0), 0);
      counts.invocations = sum('invocations');
      counts.errors = sum('errors');
      counts.tokens = sum('inputTokens') + sum('outputTokens');
      charts.replaceChildren(seriesCharts(data));
    } catch (e) {
      charts.replaceChildren(notEnabled(e) ? h('p', { class: 'empty' }, 'Observability is not enabled: no charts.') : errorBox(e));
    }
    drawCards();
  }

  await refreshRuntimes();
  await Promise.all([refreshRunning(), refreshSeries(), refreshRecent()]);
  const later = { later: true };
  const stops = [
    poll(refreshRunning, 3000, later),
    poll(refreshRecent, 10000, later),
    poll(refreshSeries, 15000, later),
    poll(refreshRuntimes, 30000, later),
  ];
  return () => stops.forEach(s => s());
}
