// runtime.js: one runtime — details, versions, endpoints, environment,
// its sessions (running: state, age, stop; traced: links to the session
// view) and the invoke box.
import { api, h, table, poll, errorBox, fmtTime } from '../lib.js';
import { badge, age, kv, section, slot, sessionLink, notEnabled } from './common.js';
import { invokeBox, SESSION_HEADER } from './invoke.js';

export const title = 'Runtime';

function artifactOf(a) {
  if (!a) return '—';
  if (a.containerConfiguration) return h('code', null, a.containerConfiguration.containerUri);
  if (a.codeConfiguration) {
    const c = a.codeConfiguration;
    const s3 = c.code && c.code.s3 ? `s3://${c.code.s3.bucket}/${c.code.s3.prefix}` : '';
    return h('span', null, h('code', null, s3), ` ${c.runtime || ''} `, h('code', null, (c.entryPoint || []).join(' ')));
  }
  return h('code', null, JSON.stringify(a));
}

export async function render(root, params) {
  const id = params.id;
  const rt = await api('GET', `/runtimes/${encodeURIComponent(id)}/`);
  document.title = `${rt.agentRuntimeName} · agentcore console`;
  const [versions, endpoints] = await Promise.all([
    api('POST', `/runtimes/${encodeURIComponent(id)}/versions/?maxResults=100`, {}).then(o => o.agentRuntimes || [], e => e),
    api('POST', `/runtimes/${encodeURIComponent(id)}/runtime-endpoints/?maxResults=100`, {}).then(o => o.runtimeEndpoints || [], e => e),
  ]);
  const running = slot();
  const traced = slot();
  const env = Object.entries(rt.environmentVariables || {}).sort(([a], [b]) => a.localeCompare(b));

  root.append(
    h('h1', null, rt.agentRuntimeName, ' ', badge(rt.status)),
    h('p', { class: 'sub mono' }, rt.agentRuntimeArn),
    h('div', { class: 'panel' }, kv([
      ['ID', h('code', null, rt.agentRuntimeId)],
      ['Version', rt.agentRuntimeVersion],
      ['Description', rt.description],
      ['Artifact', artifactOf(rt.agentRuntimeArtifact)],
      ['Protocol', (rt.protocolConfiguration || {}).serverProtocol || 'HTTP'],
      ['Network', (rt.networkConfiguration || {}).networkMode],
      ['Role', rt.roleArn],
      ['Idle timeout', rt.lifecycleConfiguration ? `${rt.lifecycleConfiguration.idleRuntimeSessionTimeout} s` : ''],
      ['Max lifetime', rt.lifecycleConfiguration ? `${rt.lifecycleConfiguration.maxLifetime} s` : ''],
      ['Created', fmtTime(rt.createdAt)],
      ['Updated', fmtTime(rt.lastUpdatedAt)],
      ['Failure', rt.failureReason],
    ])),
    section('Invoke', invokeBox(rt, Array.isArray(endpoints) ? endpoints.map(e => e.name) : [], () => refreshRunning())),
    section('Sessions running now', running),
    section('Traced sessions', traced),
    section('Versions', Array.isArray(versions) ? table([
      { label: 'Version', render: v => v.agentRuntimeVersion },
      { label: 'Status', render: v => badge(v.status) },
      { label: 'Description', render: v => v.description || '' },
      { label: 'Updated', render: v => fmtTime(v.lastUpdatedAt) },
    ], versions, { empty: 'No versions.' }) : errorBox(versions)),
    section('Endpoints', Array.isArray(endpoints) ? table([
      { label: 'Name', render: e => h('code', null, e.name) },
      { label: 'Status', render: e => badge(e.status) },
      { label: 'Live version', render: e => e.liveVersion || '—' },
      { label: 'Target version', render: e => e.targetVersion || '—' },
      { label: 'Updated', render: e => fmtTime(e.lastUpdatedAt) },
    ], endpoints, { empty: 'No endpoints.' }) : errorBox(endpoints)),
    section('Environment', table([
      { label: 'Variable', render: ([k]) => h('code', null, k) },
      { label: 'Value', render: ([, v]) => h('code', null, v) },
    ], env, { empty: 'No environment variables.' })));

  async function stop(s, btn) {
    btn.disabled = true;
    try {
      await api('POST', `/runtimes/${encodeURIComponent(rt.agentRuntimeArn)}/stopruntimesession`, {}, { [SESSION_HEADER]: s.sessionId });
      await refreshRunning();
    } catch (e) {
      btn.disabled = false;
      btn.after(errorBox(e));
    }
  }

  async function refreshRunning() {
    try {
      const out = await api('GET', '/_agentcore/sessions');
      const list = (out.sessions || []).filter(s => s.runtimeId === rt.agentRuntimeId)
        .sort((a, b) => String(b.startedAt).localeCompare(String(a.startedAt)));
      running.replaceChildren(table([
        { label: 'Session', render: s => sessionLink(rt.agentRuntimeId, s.sessionId) },
        { label: 'Version', render: s => String(s.version) },
        { label: 'Protocol', render: s => s.protocol || 'HTTP' },
        { label: 'State', render: s => badge(s.inFlight > 0 || s.healthyBusy ? 'BUSY' : 'IDLE') },
        { label: 'Age', render: s => age(s.startedAt) },
        { label: 'Last active', render: s => `${age(s.lastActiveAt)} ago` },
        { label: 'Actions', render: s => { const b = h('button', { type: 'button', class: 'danger', 'aria-label': `Stop session ${s.sessionId}` }, 'Stop'); b.onclick = () => stop(s, b); return b; } },
      ], list, { empty: 'No session of this runtime is running.' }));
    } catch (e) {
      running.replaceChildren(errorBox(e));
    }
  }

  async function refreshTraced() {
    try {
      const out = await api('GET', `/_agentcore/observability/sessions?limit=20&runtimeArn=${encodeURIComponent(rt.agentRuntimeArn)}`);
      traced.replaceChildren(table([
        { label: 'Session', render: s => sessionLink(rt.agentRuntimeId, s.sessionId) },
        { label: 'First seen', render: s => fmtTime(s.firstSeen) },
        { label: 'Last seen', render: s => fmtTime(s.lastSeen) },
        { label: 'Spans', render: s => String(s.spanCount) },
        { label: 'Errors', render: s => (s.errorCount ? badge(`${s.errorCount} errors`) : '0') },
      ], out.sessions || [], { empty: 'No traced session of this runtime yet.' }));
    } catch (e) {
      traced.replaceChildren(notEnabled(e) ? h('p', { class: 'empty' }, 'Observability is not enabled.') : errorBox(e));
    }
  }

  await Promise.all([refreshRunning(), refreshTraced()]);
  const stops = [poll(refreshRunning, 3000, { later: true }), poll(refreshTraced, 10000, { later: true })];
  return () => stops.forEach(s => s());
}
