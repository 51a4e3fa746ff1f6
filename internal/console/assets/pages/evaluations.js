// evaluations.js: evaluation scores per session (online evaluation
// results) and their trend per evaluator, with the evaluators and online
// evaluation configurations.
import { api, h, table, poll, errorBox, fmtTime } from '../lib.js';
import { lineChart } from './charts.js';
import { badge, section, slot, sessionLink, runtimeIdOf, notEnabled } from './common.js';

export const title = 'Evaluations';

const RECENT_SESSIONS = 25;

function score(v) {
  return v === undefined || v === null ? '—' : Number(v).toFixed(2);
}

export async function render(root) {
  const trend = slot(), perSession = slot(), configs = slot(), evaluators = slot();
  let days = 1;
  const rangeSel = h('select', { id: 'eval-range', onchange: e => { days = Number(e.target.value); refreshTrend(); } },
    [[1, 'last 24h'], [7, 'last 7 days'], [30, 'last 30 days']].map(([d, l]) => h('option', { value: d }, l)));
  root.append(h('h1', null, 'Evaluations'),
    section('Score trend', h('div', { class: 'row' }, h('label', { for: 'eval-range' }, 'Range'), rangeSel), trend),
    section('Scores per session', perSession),
    section('Online evaluation configurations', configs),
    section('Evaluators', evaluators));

  async function refreshTrend() {
    const to = Date.now();
    try {
      const data = await api('GET', `/_agentcore/observability/series?from=${to - days * 864e5}&to=${to}&buckets=48`);
      const b = data.buckets || [];
      const names = [...new Set(b.flatMap(x => Object.keys(x.scores || {})))].sort();
      trend.replaceChildren(names.length
        ? lineChart(b.map(x => x.start), names.map(n => ({ label: n, values: b.map(x => (x.scores && n in x.scores ? x.scores[n] : null)) })),
          { title: 'Mean score per evaluator', summary: `${names.length} evaluators` })
        : h('p', { class: 'empty' }, 'No evaluation score in this range.'));
    } catch (e) {
      trend.replaceChildren(notEnabled(e) ? h('p', { class: 'empty' }, 'Observability is not enabled.') : errorBox(e));
    }
  }

  async function refreshSessions() {
    try {
      const s = await api('GET', `/_agentcore/observability/sessions?limit=${RECENT_SESSIONS}`);
      const rows = await Promise.all((s.sessions || []).map(x => api('GET', `/_agentcore/evaluations?sessionId=${encodeURIComponent(x.sessionId)}`)
        .then(o => ({ session: x, results: o.evaluations || [] }))));
      const scored = rows.filter(r => r.results.length);
      const names = [...new Set(scored.flatMap(r => r.results.map(x => x.evaluatorName || x.evaluatorId)))].sort();
      const mean = (r, n) => {
        const v = r.results.filter(x => (x.evaluatorName || x.evaluatorId) === n && x.value !== undefined && x.value !== null).map(x => x.value);
        return v.length ? v.reduce((a, b) => a + b, 0) / v.length : null;
      };
      perSession.replaceChildren(table([
        { label: 'Session', render: r => sessionLink(runtimeIdOf(r.session.runtimeArn), r.session.sessionId) },
        { label: 'Last seen', render: r => fmtTime(r.session.lastSeen) },
        ...names.map(n => ({ label: n, render: r => score(mean(r, n)) })),
        { label: 'Errors', render: r => { const e = r.results.filter(x => x.errorCode).length; return e ? badge(`${e} failed`) : '0'; } },
      ], scored, { empty: `None of the ${rows.length} most recent sessions has evaluation scores yet.` }));
    } catch (e) {
      perSession.replaceChildren(notEnabled(e) ? h('p', { class: 'empty' }, 'Online evaluation is not enabled.') : errorBox(e));
    }
  }

  async function refreshConfigs() {
    try {
      const o = await api('POST', '/online-evaluation-configs?maxResults=100', {});
      configs.replaceChildren(table([
        { label: 'Name', render: c => c.onlineEvaluationConfigName },
        { label: 'ID', render: c => h('code', null, c.onlineEvaluationConfigId) },
        { label: 'Status', render: c => badge(c.status) },
        { label: 'Execution', render: c => badge(c.executionStatus) },
        { label: 'Updated', render: c => fmtTime(c.updatedAt) },
      ], o.onlineEvaluationConfigs || [], { empty: 'No online evaluation configuration.' }));
    } catch (e) {
      configs.replaceChildren(notEnabled(e) ? h('p', { class: 'empty' }, 'Online evaluation is not enabled.') : errorBox(e));
    }
    try {
      const o = await api('POST', '/evaluators?maxResults=100', {});
      evaluators.replaceChildren(table([
        { label: 'Name', render: e => e.evaluatorName },
        { label: 'ID', render: e => h('code', null, e.evaluatorId) },
        { label: 'Type', render: e => e.evaluatorType },
        { label: 'Level', render: e => e.level },
        { label: 'Status', render: e => badge(e.status) },
      ], o.evaluators || [], { empty: 'No evaluator.' }));
    } catch (e) {
      evaluators.replaceChildren(notEnabled(e) ? h('p', { class: 'empty' }, 'The Evaluations service is not enabled.') : errorBox(e));
    }
  }

  await Promise.all([refreshTrend(), refreshSessions(), refreshConfigs()]);
  const later = { later: true };
  const stops = [poll(refreshTrend, 30000, later), poll(refreshSessions, 15000, later), poll(refreshConfigs, 60000, later)];
  return () => stops.forEach(s => s());
}
