// pages/memory.js: memories (list) and one memory (strategies, events by
// actor and session with their branches, records with semantic search,
// extraction jobs). Reads only the AWS Memory routes and
// POST /_agentcore/memories/{id}/extractionJobs.
import { api, h, table, link, fmtTime, errorBox } from '../lib.js';

export const title = 'Memory';

const enc = encodeURIComponent;

export async function render(root, params) {
  if (params.id) return renderMemory(root, params.id);
  root.append(h('h1', null, 'Memories'));
  const out = await api('POST', '/memories/', { maxResults: 100 });
  root.append(table([
    { label: 'Memory', render: m => link(`/console/memories/${enc(m.id)}`, m.id) },
    { label: 'Status', render: m => badge(m.status) },
    { label: 'Created', render: m => fmtTime(m.createdAt) },
    { label: 'Updated', render: m => fmtTime(m.updatedAt) },
  ], out.memories || [], { empty: 'No memories in this account yet.' }));
}

function badge(status) {
  const cls = status === 'ACTIVE' || status === 'COMPLETED' ? 'ok' : /FAIL/.test(status || '') ? 'bad' : 'warn';
  return h('span', { class: `badge ${cls}` }, status || '—');
}

async function renderMemory(root, id) {
  const base = `/memories/${enc(id)}`;
  const { memory: m } = await api('GET', `${base}/details`);
  root.append(
    h('p', { class: 'sub' }, link('/console/memories', 'Memories'), ' / ', id),
    h('h1', null, m.name || id),
    h('dl', { class: 'kv' },
      h('dt', null, 'ARN'), h('dd', { class: 'mono' }, m.arn),
      h('dt', null, 'Status'), h('dd', null, badge(m.status)),
      h('dt', null, 'Event expiry'), h('dd', null, `${m.eventExpiryDuration} days`),
      h('dt', null, 'Created'), h('dd', null, fmtTime(m.createdAt))),
  );
  const strategies = m.strategies || [];
  root.append(h('section', { class: 'panel', 'aria-labelledby': 'strategies-h' },
    h('h2', { id: 'strategies-h' }, 'Strategies'),
    table([
      { label: 'Name', render: s => s.name },
      { label: 'Type', render: s => s.type },
      { label: 'Namespaces', render: s => h('span', { class: 'mono' }, (s.namespaces || s.namespaceTemplates || []).join(', ')) },
      { label: 'Status', render: s => badge(s.status) },
      { label: 'Id', render: s => h('code', null, s.strategyId) },
    ], strategies, { empty: 'No long-term memory strategies: events only.' })));
  const events = h('section', { class: 'panel', 'aria-labelledby': 'events-h' }, h('h2', { id: 'events-h' }, 'Events'));
  const records = h('section', { class: 'panel', 'aria-labelledby': 'records-h' }, h('h2', { id: 'records-h' }, 'Records'));
  const jobs = h('section', { class: 'panel', 'aria-labelledby': 'jobs-h' }, h('h2', { id: 'jobs-h' }, 'Extraction jobs'));
  root.append(events, records, jobs);
  await Promise.all([
    renderEvents(events, base).catch(e => events.append(errorBox(e))),
    renderRecords(records, base, strategies).catch(e => records.append(errorBox(e))),
    renderJobs(jobs, id).catch(e => jobs.append(errorBox(e))),
  ]);
}

// renderEvents: actors → sessions → events (with branches).
async function renderEvents(panel, base) {
  const actors = (await api('POST', `${base}/actors`, { maxResults: 100 })).actorSummaries || [];
  if (actors.length === 0) { panel.append(h('p', { class: 'empty' }, 'No events yet.')); return; }
  const actorSel = h('select', { id: 'mem-actor' }, actors.map(a => h('option', { value: a.actorId }, a.actorId)));
  const sessionSel = h('select', { id: 'mem-session' });
  const branchSel = h('select', { id: 'mem-branch' });
  const out = h('div', { 'aria-live': 'polite' });
  let eventsCache = [];
  const showEvents = () => {
    const b = branchSel.value;
    const shown = eventsCache.filter(e => (e.branch ? e.branch.name : 'main') === b || b === '*');
    out.replaceChildren(table([
      { label: 'Time', render: e => fmtTime(e.eventTimestamp) },
      { label: 'Branch', render: e => e.branch ? `${e.branch.name}${e.branch.rootEventId ? ` (from ${e.branch.rootEventId})` : ''}` : 'main' },
      { label: 'Payload', render: e => payloadOf(e) },
      { label: 'Event', render: e => h('code', null, e.eventId) },
    ], shown, { empty: 'No events in this session.' }));
  };
  const loadEvents = async () => {
    out.replaceChildren(h('p', null, 'Loading…'));
    try {
      const path = `${base}/actor/${enc(actorSel.value)}/sessions/${enc(sessionSel.value)}`;
      eventsCache = (await api('POST', path, { includePayloads: true, maxResults: 100 })).events || [];
      const branches = [...new Set(eventsCache.map(e => e.branch ? e.branch.name : 'main'))];
      branchSel.replaceChildren(h('option', { value: '*' }, `all branches (${branches.length})`),
        ...branches.map(b => h('option', { value: b }, b)));
      showEvents();
    } catch (e) { out.replaceChildren(errorBox(e)); }
  };
  const loadSessions = async () => {
    try {
      const s = (await api('POST', `${base}/actor/${enc(actorSel.value)}/sessions`, { maxResults: 100 })).sessionSummaries || [];
      sessionSel.replaceChildren(...s.map(x => h('option', { value: x.sessionId }, `${x.sessionId} · ${fmtTime(x.createdAt)}`)));
      if (s.length) await loadEvents(); else out.replaceChildren(h('p', { class: 'empty' }, 'No sessions.'));
    } catch (e) { out.replaceChildren(errorBox(e)); }
  };
  actorSel.addEventListener('change', loadSessions);
  sessionSel.addEventListener('change', loadEvents);
  branchSel.addEventListener('change', showEvents);
  panel.append(h('div', { class: 'row' },
    h('label', { for: 'mem-actor' }, 'Actor'), actorSel,
    h('label', { for: 'mem-session' }, 'Session'), sessionSel,
    h('label', { for: 'mem-branch' }, 'Branch'), branchSel), out);
  await loadSessions();
}

function payloadOf(e) {
  return (e.payload || []).map(p => {
    if (p.conversational) {
      const c = p.conversational;
      const text = c.content && typeof c.content === 'object' ? c.content.text : c.content;
      return h('div', null, h('strong', null, `${(c.role || '').toLowerCase()}: `), text ?? '');
    }
    return h('div', { class: 'mono' }, JSON.stringify(p.blob ?? p.json ?? p).slice(0, 300));
  });
}

// renderRecords: the records of a namespace, and a semantic search box
// (RetrieveMemoryRecords).
async function renderRecords(panel, base, strategies) {
  const nsList = [...new Set(strategies.flatMap(s => s.namespaces || s.namespaceTemplates || []))];
  const ns = h('input', { id: 'mem-ns', value: '/', spellcheck: 'false', 'aria-describedby': 'mem-ns-help' });
  const q = h('input', { id: 'mem-query', type: 'search', placeholder: 'what does the user prefer?' });
  const out = h('div', { 'aria-live': 'polite', id: 'mem-records' });
  const show = (rs, scored) => out.replaceChildren(table([
    { label: 'Record', render: r => (r.content && r.content.text) || JSON.stringify(r.content) },
    scored ? { label: 'Score', render: r => r.score === undefined ? '—' : r.score.toFixed(3) } : null,
    { label: 'Namespaces', render: r => h('span', { class: 'mono' }, (r.namespaces || []).join(', ')) },
    { label: 'Created', render: r => fmtTime(r.createdAt) },
  ].filter(Boolean), rs, { empty: scored ? 'No record matches.' : 'No records in this namespace.' }));
  const list = async () => {
    try { show((await api('POST', `${base}/memoryRecords`, { namespace: ns.value || '/', maxResults: 100 })).memoryRecordSummaries || [], false); } catch (e) { out.replaceChildren(errorBox(e)); }
  };
  const search = async ev => {
    ev.preventDefault();
    if (!q.value.trim()) return list();
    out.replaceChildren(h('p', null, 'Searching…'));
    try {
      const r = await api('POST', `${base}/retrieve`, { namespace: ns.value || '/', searchCriteria: { searchQuery: q.value, topK: 10 } });
      show(r.memoryRecordSummaries || [], true);
    } catch (e) { out.replaceChildren(errorBox(e)); }
  };
  panel.append(h('form', { class: 'row', role: 'search', onsubmit: search },
    h('label', { for: 'mem-ns' }, 'Namespace'), ns,
    h('label', { for: 'mem-query' }, 'Semantic search'), q,
    h('button', { type: 'submit', class: 'primary' }, 'Search')),
  h('p', { class: 'sub', id: 'mem-ns-help' }, nsList.length ? `Strategy namespaces: ${nsList.join(', ')}` : 'Records are listed by namespace prefix.'),
  out);
  await list();
}

async function renderJobs(panel, id) {
  const out = await api('POST', `/_agentcore/memories/${enc(id)}/extractionJobs`, { maxResults: 50 });
  panel.append(table([
    { label: 'Job', render: j => h('code', null, j.jobID) },
    { label: 'Status', render: j => badge(j.status) },
    { label: 'Strategy', render: j => j.strategyId },
    { label: 'Actor / session', render: j => `${j.actorId} / ${j.sessionId}` },
    { label: 'Messages', render: j => String(((j.messages || {}).messagesList || []).length) },
    { label: 'Failure', render: j => j.failureReason || '' },
  ], out.jobs || [], { empty: 'No extraction jobs.' }));
}
