// pages/gateways.js: gateways (list) and one gateway (targets, the tool
// catalogue with input schemas, tool search, a try-a-tool form, the latest
// calls). Tools are listed and called through the /_agentcore/gateways/
// extensions (the browser cannot sign the gateway's MCP endpoint).
import { api, h, table, link, fmtTime, fmtDuration, errorBox } from '../lib.js';

export const title = 'Gateways';

const enc = encodeURIComponent;

export async function render(root, params) {
  if (params.id) return renderGateway(root, params.id);
  root.append(h('h1', null, 'Gateways'));
  const out = await api('GET', '/gateways/?maxResults=100');
  root.append(table([
    { label: 'Gateway', render: g => link(`/console/gateways/${enc(g.gatewayId)}`, g.name || g.gatewayId) },
    { label: 'Status', render: g => badge(g.status) },
    { label: 'Authorizer', render: g => g.authorizerType },
    { label: 'Protocol', render: g => g.protocolType || 'MCP' },
    { label: 'Updated', render: g => fmtTime(g.updatedAt) },
  ], out.items || [], { empty: 'No gateways in this account yet.' }));
}

function badge(status) {
  const cls = status === 'READY' ? 'ok' : /FAIL/.test(status || '') ? 'bad' : 'warn';
  return h('span', { class: `badge ${cls}` }, status || '—');
}

async function renderGateway(root, id) {
  const g = await api('GET', `/gateways/${enc(id)}/`);
  const pe = g.policyEngineConfiguration;
  root.append(
    h('p', { class: 'sub' }, link('/console/gateways', 'Gateways'), ' / ', g.name || id),
    h('h1', null, g.name || id),
    h('dl', { class: 'kv' },
      h('dt', null, 'MCP endpoint'), h('dd', { class: 'mono' }, g.gatewayUrl),
      h('dt', null, 'Status'), h('dd', null, badge(g.status)),
      h('dt', null, 'Authorizer'), h('dd', null, g.authorizerType),
      h('dt', null, 'Policy engine'), h('dd', null, pe ? `${pe.arn} (${pe.mode})` : 'none')),
  );
  const targets = h('section', { class: 'panel', 'aria-labelledby': 'targets-h' }, h('h2', { id: 'targets-h' }, 'Targets'));
  const tools = h('section', { class: 'panel', 'aria-labelledby': 'tools-h' }, h('h2', { id: 'tools-h' }, 'Tools'));
  const tryIt = h('section', { class: 'panel', 'aria-labelledby': 'try-h' }, h('h2', { id: 'try-h' }, 'Try a tool'));
  const calls = h('section', { class: 'panel', 'aria-labelledby': 'calls-h' }, h('h2', { id: 'calls-h' }, 'Latest calls'));
  root.append(targets, tools, tryIt, calls);
  const refreshCalls = () => renderCalls(calls, id).catch(e => calls.replaceChildren(calls.firstChild, errorBox(e)));
  await Promise.all([
    renderTargets(targets, id).catch(e => targets.append(errorBox(e))),
    renderTools(tools, tryIt, id, refreshCalls).catch(e => tools.append(errorBox(e))),
    refreshCalls(),
  ]);
}

async function renderTargets(panel, id) {
  const out = await api('GET', `/gateways/${enc(id)}/targets/?maxResults=100`);
  panel.append(table([
    { label: 'Target', render: t => t.name },
    { label: 'Status', render: t => badge(t.status) },
    { label: 'Description', render: t => t.description || '' },
    { label: 'Id', render: t => h('code', null, t.targetId) },
  ], out.items || [], { empty: 'No targets: the gateway serves no tools.' }));
}

async function renderTools(panel, tryPanel, id, refreshCalls) {
  const base = `/_agentcore/gateways/${enc(id)}/tools`;
  const all = (await api('GET', base)).tools || [];
  const q = h('input', { id: 'tool-search', type: 'search', placeholder: 'find a tool by what it does' });
  const list = h('div', { id: 'tool-list', 'aria-live': 'polite' });
  const show = tools => list.replaceChildren(table([
    { label: 'Tool', render: t => h('code', null, t.name) },
    { label: 'Description', render: t => t.description || '' },
    { label: 'Input schema', render: t => h('details', null, h('summary', null, 'schema'), h('pre', { class: 'out' }, JSON.stringify(t.inputSchema, null, 2))) },
    { label: '', render: t => h('button', { type: 'button', onclick: () => pick(t.name) }, 'Try') },
  ], tools, { empty: 'No tool matches.' }));
  const search = async ev => {
    ev.preventDefault();
    if (!q.value.trim()) { show(all); return; }
    list.replaceChildren(h('p', null, 'Searching…'));
    try { show((await api('GET', `${base}?query=${enc(q.value)}&max=10`)).tools || []); } catch (e) { list.replaceChildren(errorBox(e)); }
  };
  panel.append(h('form', { class: 'row', role: 'search', onsubmit: search },
    h('label', { for: 'tool-search' }, 'Search tools'), q, h('button', { type: 'submit' }, 'Search')), list);
  show(all);

  // The try-a-tool form: a tool, its arguments as JSON (prefilled from the
  // schema), the answer.
  const sel = h('select', { id: 'try-tool' }, all.map(t => h('option', { value: t.name }, t.name)));
  const args = h('textarea', { id: 'try-args', rows: '8', spellcheck: 'false', 'aria-describedby': 'try-help' });
  const result = h('div', { id: 'try-result', 'aria-live': 'polite' });
  const fill = () => { const t = all.find(x => x.name === sel.value); args.value = JSON.stringify(skeleton(t && t.inputSchema), null, 2); };
  const pick = name => { sel.value = name; fill(); args.focus(); };
  sel.addEventListener('change', fill);
  const call = async ev => {
    ev.preventDefault();
    let parsed;
    try { parsed = args.value.trim() ? JSON.parse(args.value) : {}; } catch (e) {
      result.replaceChildren(errorBox(new Error(`the arguments are not valid JSON: ${e.message}`)));
      return;
    }
    result.replaceChildren(h('p', null, 'Calling…'));
    try {
      const r = await api('POST', `/_agentcore/gateways/${enc(id)}/calls`, { name: sel.value, arguments: parsed });
      result.replaceChildren(
        h('p', null, r.isError ? h('span', { class: 'badge bad' }, 'tool error') : h('span', { class: 'badge ok' }, 'ok'),
          r.decision && r.decision !== 'NONE' ? ` policy: ${r.decision}` : ''),
        h('pre', { class: 'out', id: 'try-output' }, resultText(r)));
    } catch (e) { result.replaceChildren(errorBox(e)); }
    refreshCalls();
  };
  if (all.length === 0) { tryPanel.append(h('p', { class: 'empty' }, 'No tools to try.')); return; }
  tryPanel.append(h('form', { onsubmit: call },
    h('label', { for: 'try-tool' }, 'Tool'), sel,
    h('label', { for: 'try-args' }, 'Arguments (JSON)'), args,
    h('p', { class: 'sub', id: 'try-help' }, 'Filled from the tool\'s input schema; the call goes through the gateway\'s policies and interceptors.'),
    h('button', { type: 'submit', class: 'primary' }, 'Call tool')), result);
  fill();
}

// skeleton is an example value for a JSON schema (required members only).
function skeleton(s, depth = 0) {
  if (!s || depth > 4) return {};
  if (s.default !== undefined) return s.default;
  if (s.enum && s.enum.length) return s.enum[0];
  switch (Array.isArray(s.type) ? s.type[0] : s.type) {
    case 'string': return '';
    case 'integer': case 'number': return 0;
    case 'boolean': return false;
    case 'array': return [];
    case 'object': default: {
      const o = {};
      for (const k of s.required || []) o[k] = skeleton((s.properties || {})[k], depth + 1);
      return o;
    }
  }
}

function resultText(r) {
  if (r.mcpResult) {
    const m = r.mcpResult;
    const text = (m.content || []).filter(c => c.type === 'text').map(c => c.text).join('\n');
    return text || JSON.stringify(m.structuredContent ?? m, null, 2);
  }
  if (r.structuredContent !== undefined) return JSON.stringify(r.structuredContent, null, 2);
  return r.text || '';
}

async function renderCalls(panel, id) {
  const out = await api('GET', `/_agentcore/gateways/${enc(id)}/calls`);
  const rows = (out.calls || []).slice().reverse();
  panel.replaceChildren(panel.firstChild, table([
    { label: 'Time', render: c => fmtTime(c.time) },
    { label: 'Tool', render: c => h('code', null, c.tool) },
    { label: 'Principal', render: c => h('span', { class: 'mono' }, c.principal) },
    { label: 'Decision', render: c => h('span', { class: `badge ${c.decision === 'DENY' ? 'bad' : 'ok'}` }, c.decision) },
    { label: 'Outcome', render: c => c.outcome + (c.error ? `: ${c.error}` : '') },
    { label: 'Duration', render: c => fmtDuration((c.durationNs || 0) / 1e6) },
  ], rows, { empty: 'No tool calls yet.' }));
}
