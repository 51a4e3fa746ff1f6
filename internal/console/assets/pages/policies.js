// pages/policies.js: policy engines (list) and one engine (its Cedar
// policies, a create/update form that shows Cedar errors inline, and the
// decisions log: the allow/deny decisions of the tool calls of the
// gateways that use the engine, from GET /_agentcore/gateways/{id}/calls).
import { api, h, table, link, fmtTime, errorBox, ApiError } from '../lib.js';

export const title = 'Policies';

const enc = encodeURIComponent;

export async function render(root, params) {
  if (params.id) return renderEngine(root, params.id);
  root.append(h('h1', null, 'Policy engines'));
  const out = await api('GET', '/policy-engines?maxResults=100');
  root.append(table([
    { label: 'Engine', render: e => link(`/console/policies/${enc(e.policyEngineId)}`, e.name || e.policyEngineId) },
    { label: 'Status', render: e => badge(e.status) },
    { label: 'Description', render: e => e.description || '' },
    { label: 'Created', render: e => fmtTime(e.createdAt) },
  ], out.policyEngines || [], { empty: 'No policy engines in this account yet.' }));
}

function badge(status) {
  const cls = status === 'ACTIVE' ? 'ok' : /FAIL/.test(status || '') ? 'bad' : 'warn';
  return h('span', { class: `badge ${cls}` }, status || '—');
}

async function renderEngine(root, id) {
  const base = `/policy-engines/${enc(id)}`;
  const e = await api('GET', base);
  root.append(
    h('p', { class: 'sub' }, link('/console/policies', 'Policy engines'), ' / ', e.name || id),
    h('h1', null, e.name || id),
    h('dl', { class: 'kv' },
      h('dt', null, 'ARN'), h('dd', { class: 'mono' }, e.policyEngineArn),
      h('dt', null, 'Status'), h('dd', null, badge(e.status)),
      h('dt', null, 'Updated'), h('dd', null, fmtTime(e.updatedAt))),
  );
  const list = h('section', { class: 'panel', 'aria-labelledby': 'policies-h' }, h('h2', { id: 'policies-h' }, 'Policies'));
  const editor = h('section', { class: 'panel', 'aria-labelledby': 'editor-h' });
  const log = h('section', { class: 'panel', id: 'decisions', 'aria-labelledby': 'decisions-h' }, h('h2', { id: 'decisions-h' }, 'Decisions'));
  root.append(list, editor, log);
  let policies = [];
  const reload = async () => {
    try {
      policies = (await api('GET', `${base}/policies?maxResults=100`)).policies || [];
      list.replaceChildren(list.firstChild, table([
        { label: 'Policy', render: p => p.name },
        { label: 'Status', render: p => badge(p.status) },
        { label: 'Cedar', render: p => h('pre', { class: 'out' }, statementOf(p)) },
        { label: 'Updated', render: p => fmtTime(p.updatedAt) },
        { label: '', render: p => h('button', { type: 'button', onclick: () => edit(p) }, 'Edit') },
      ], policies, { empty: 'No policies: every tool call is denied once the engine is attached.' }));
    } catch (err) { list.replaceChildren(list.firstChild, errorBox(err)); }
  };
  const edit = renderEditor(editor, base, reload);
  await Promise.all([reload(), renderDecisions(log, e.policyEngineArn).catch(err => log.append(errorBox(err)))]);
}

function statementOf(p) {
  return (p.definition && p.definition.cedar && p.definition.cedar.statement) || '';
}

// renderEditor builds the create/update form and returns edit(policy).
function renderEditor(panel, base, reload) {
  let editing = null; // the policy being updated, or null (a new one)
  const heading = h('h2', { id: 'editor-h' }, 'New policy');
  const name = h('input', { id: 'policy-name', required: true, spellcheck: 'false', placeholder: 'allow_read_tools' });
  const cedar = h('textarea', { id: 'policy-cedar', rows: '8', spellcheck: 'false', 'aria-describedby': 'policy-error', required: true });
  cedar.value = 'permit(principal, action, resource);';
  const problem = h('div', { id: 'policy-error', 'aria-live': 'assertive' });
  const status = h('p', { class: 'sub', 'aria-live': 'polite' });
  const cancel = h('button', { type: 'button', hidden: true, onclick: () => reset() }, 'Cancel');
  const reset = () => {
    editing = null;
    heading.textContent = 'New policy';
    name.disabled = false;
    name.value = '';
    cancel.hidden = true;
    problem.replaceChildren();
    cedar.removeAttribute('aria-invalid');
  };
  const save = async ev => {
    ev.preventDefault();
    problem.replaceChildren();
    cedar.removeAttribute('aria-invalid');
    status.textContent = 'Saving…';
    const definition = { cedar: { statement: cedar.value } };
    try {
      if (editing) await api('PATCH', `${base}/policies/${enc(editing.policyId)}`, { definition });
      else await api('POST', `${base}/policies`, { name: name.value, definition });
      status.textContent = editing ? `Updated ${editing.name}.` : `Created ${name.value}.`;
      reset();
      await reload();
    } catch (err) {
      status.textContent = '';
      if (err instanceof ApiError && err.type === 'ValidationException') {
        // The Cedar error (syntax or schema) next to the editor.
        cedar.setAttribute('aria-invalid', 'true');
        problem.replaceChildren(h('div', { role: 'alert', class: 'error cedar-error' }, err.message));
      } else {
        problem.replaceChildren(errorBox(err));
      }
    }
  };
  panel.append(heading, h('form', { onsubmit: save },
    h('label', { for: 'policy-name' }, 'Name'), name,
    h('label', { for: 'policy-cedar' }, 'Cedar statement'), cedar, problem,
    h('div', { class: 'row' }, h('button', { type: 'submit', class: 'primary' }, 'Save policy'), cancel)), status);
  return p => {
    editing = p;
    heading.textContent = `Edit ${p.name}`;
    name.value = p.name;
    name.disabled = true;
    cedar.value = statementOf(p);
    cancel.hidden = false;
    problem.replaceChildren();
    cedar.focus();
  };
}

// renderDecisions lists the decisions of the gateways attached to the
// engine (their latest tool calls, newest first).
async function renderDecisions(panel, engineArn) {
  const gws = (await api('GET', '/gateways/?maxResults=100')).items || [];
  const attached = [];
  for (const g of gws) {
    const d = await api('GET', `/gateways/${enc(g.gatewayId)}/`);
    if (d.policyEngineConfiguration && d.policyEngineConfiguration.arn === engineArn) attached.push(d);
  }
  if (attached.length === 0) {
    panel.append(h('p', { class: 'empty' }, 'No gateway uses this engine, so it has made no decisions.'));
    return;
  }
  const rows = [];
  for (const g of attached) {
    const calls = (await api('GET', `/_agentcore/gateways/${enc(g.gatewayId)}/calls`)).calls || [];
    for (const c of calls) rows.push({ ...c, gateway: g.name || g.gatewayId, gatewayId: g.gatewayId, mode: c.mode || g.policyEngineConfiguration.mode });
  }
  rows.sort((a, b) => String(b.time).localeCompare(String(a.time)));
  const allow = rows.filter(r => r.decision === 'ALLOW').length;
  const deny = rows.filter(r => r.decision === 'DENY').length;
  panel.append(
    h('p', null, `${allow} allowed, ${deny} denied in the latest calls of ${attached.length} gateway(s).`),
    table([
      { label: 'Time', render: r => fmtTime(r.time) },
      { label: 'Gateway', render: r => link(`/console/gateways/${enc(r.gatewayId)}`, r.gateway) },
      { label: 'Tool', render: r => h('code', null, r.tool) },
      { label: 'Principal', render: r => h('span', { class: 'mono' }, r.principal) },
      { label: 'Decision', render: r => h('span', { class: `badge ${r.decision === 'DENY' ? 'bad' : 'ok'}` }, r.decision) },
      { label: 'Mode', render: r => r.mode || '' },
      { label: 'Policies', render: r => (r.policies || []).join(', ') },
    ], rows, { empty: 'No tool calls yet.' }));
}
