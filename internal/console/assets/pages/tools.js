// tools.js: Code Interpreter and Browser sessions (built-in and custom
// tools), live, with stop.
import { api, h, table, poll, errorBox, fmtTime } from '../lib.js';
import { badge, age, section, slot, notEnabled } from './common.js';

export const title = 'Tools';

const KINDS = [
  {
    key: 'ci', name: 'Code Interpreter', builtin: 'aws.codeinterpreter.v1',
    list: () => api('POST', '/code-interpreters', { maxResults: 100 }).then(o => (o.codeInterpreterSummaries || []).map(t => ({ id: t.codeInterpreterId, name: t.name, status: t.status }))),
    sessions: id => api('POST', `/code-interpreters/${encodeURIComponent(id)}/sessions/list`, { maxResults: 100 }).then(o => o.items || []),
    stop: (id, sid) => api('PUT', `/code-interpreters/${encodeURIComponent(id)}/sessions/stop?sessionId=${encodeURIComponent(sid)}`, {}),
    toolOf: s => s.codeInterpreterIdentifier,
  },
  {
    key: 'browser', name: 'Browser', builtin: 'aws.browser.v1',
    list: () => api('POST', '/browsers', { maxResults: 100 }).then(o => (o.browserSummaries || []).map(t => ({ id: t.browserId, name: t.name, status: t.status }))),
    sessions: id => api('POST', `/browsers/${encodeURIComponent(id)}/sessions/list`, { maxResults: 100 }).then(o => o.items || []),
    stop: (id, sid) => api('PUT', `/browsers/${encodeURIComponent(id)}/sessions/stop?sessionId=${encodeURIComponent(sid)}`, {}),
    toolOf: s => s.browserIdentifier,
  },
];

function toolPanel(kind) {
  const tools = slot(), sessions = slot();
  const el = section(`${kind.name} sessions`, sessions, h('h3', null, `${kind.name} tools`), tools);
  async function stop(toolId, s, btn) {
    btn.disabled = true;
    try {
      await kind.stop(toolId, s.sessionId);
      await refresh();
    } catch (e) {
      btn.disabled = false;
      btn.after(errorBox(e));
    }
  }
  async function refresh() {
    let list;
    try {
      list = await kind.list();
    } catch (e) {
      const msg = notEnabled(e) ? h('p', { class: 'empty' }, `The ${kind.name} service is not enabled.`) : errorBox(e);
      tools.replaceChildren(msg);
      sessions.replaceChildren();
      return;
    }
    const all = [{ id: kind.builtin, name: `${kind.builtin} (built-in)`, status: 'READY' }, ...list.filter(t => t.id !== kind.builtin)];
    tools.replaceChildren(table([
      { label: 'Name', render: t => t.name },
      { label: 'ID', render: t => h('code', null, t.id) },
      { label: 'Status', render: t => badge(t.status) },
    ], all));
    const rows = (await Promise.all(all.map(t => kind.sessions(t.id).then(items => items.map(s => ({ ...s, tool: t.id })), () => [])))).flat()
      .sort((a, b) => String(b.createdAt).localeCompare(String(a.createdAt)));
    const ready = rows.filter(s => s.status === 'READY');
    const ended = rows.filter(s => s.status !== 'READY').slice(0, 20);
    sessions.replaceChildren(...[table([
      { label: 'Session', render: s => h('code', null, s.sessionId) },
      { label: 'Name', render: s => s.name || '' },
      { label: 'Tool', render: s => h('code', null, s.tool) },
      { label: 'Status', render: s => badge(s.status) },
      { label: 'Age', render: s => age(s.createdAt) },
      { label: 'Updated', render: s => fmtTime(s.lastUpdatedAt) },
      { label: 'Actions', render: s => {
        if (s.status !== 'READY') return '';
        const b = h('button', { type: 'button', class: 'danger', 'aria-label': `Stop session ${s.sessionId}` }, 'Stop');
        b.onclick = () => stop(s.tool, s, b);
        return b;
      } },
    ], [...ready, ...ended], { empty: `No ${kind.name} session.` }),
    kind.key === 'browser' && ready.length
      ? h('p', { class: 'empty' }, 'A session\'s live view opens from the presigned URL `agentcore browser start` prints (the live view accepts signed requests only).')
      : null].filter(Boolean));
  }
  return { el, refresh };
}

export async function render(root) {
  const panels = KINDS.map(toolPanel);
  root.append(h('h1', null, 'Tools'), ...panels.map(p => p.el));
  await Promise.all(panels.map(p => p.refresh()));
  const stops = panels.map(p => poll(p.refresh, 5000, { later: true }));
  return () => stops.forEach(s => s());
}
