// pages/identity.js: workload identities and credential providers (OAuth2
// and API key). Secrets are never shown: the API answers only the ARN of
// the token-vault secret that holds a client secret or an API key, and
// this page shows that a secret is stored, not where or what it is.
import { api, h, table, fmtTime, errorBox } from '../lib.js';

export const title = 'Identity';

export async function render(root) {
  root.append(h('h1', null, 'Identity'));
  const workloads = section(root, 'workloads-h', 'Workload identities');
  const oauth = section(root, 'oauth-h', 'OAuth2 credential providers');
  const keys = section(root, 'apikeys-h', 'API key credential providers');
  const vault = section(root, 'vault-h', 'Token vault');
  await Promise.all([
    renderWorkloads(workloads).catch(e => workloads.append(errorBox(e))),
    renderOAuth(oauth).catch(e => oauth.append(errorBox(e))),
    renderKeys(keys).catch(e => keys.append(errorBox(e))),
    renderVault(vault).catch(e => vault.append(errorBox(e))),
  ]);
}

function section(root, id, text) {
  const s = h('section', { class: 'panel', 'aria-labelledby': id }, h('h2', { id }, text));
  root.append(s);
  return s;
}

async function all(path, member) {
  const items = [];
  let nextToken;
  for (let i = 0; i < 20; i++) {
    const out = await api('POST', path, nextToken ? { maxResults: 100, nextToken } : { maxResults: 100 });
    items.push(...(out[member] || []));
    nextToken = out.nextToken;
    if (!nextToken) break;
  }
  return items;
}

const secretNote = () => h('span', { class: 'badge ok', title: 'held in the token vault; never shown' }, 'stored · hidden');

async function renderWorkloads(panel) {
  const list = await all('/identities/ListWorkloadIdentities', 'workloadIdentities');
  panel.append(table([
    { label: 'Name', render: w => w.name },
    { label: 'ARN', render: w => h('span', { class: 'mono' }, w.workloadIdentityArn) },
  ], list, { empty: 'No workload identities (each runtime gets one).' }));
}

async function renderOAuth(panel) {
  const list = await all('/identities/ListOauth2CredentialProviders', 'credentialProviders');
  const rows = await Promise.all(list.map(async p => {
    try {
      const d = await api('POST', '/identities/GetOauth2CredentialProvider', { name: p.name });
      return { ...p, detail: d };
    } catch (e) { return { ...p, error: e }; }
  }));
  panel.append(table([
    { label: 'Name', render: p => p.name },
    { label: 'Vendor', render: p => p.credentialProviderVendor || '' },
    { label: 'Client id', render: p => clientId(p.detail) },
    { label: 'Client secret', render: p => p.error ? errorBox(p.error) : secretNote() },
    { label: 'Callback URL', render: p => h('span', { class: 'mono' }, (p.detail && p.detail.callbackUrl) || '') },
    { label: 'Updated', render: p => fmtTime(p.lastUpdatedTime) },
  ], rows, { empty: 'No OAuth2 credential providers.' }));
}

// clientId reads the client id of any vendor's output config.
function clientId(d) {
  const out = d && d.oauth2ProviderConfigOutput;
  if (!out) return '';
  for (const v of Object.values(out)) {
    if (v && typeof v === 'object' && v.clientId) return v.clientId;
  }
  return '';
}

async function renderKeys(panel) {
  const list = await all('/identities/ListApiKeyCredentialProviders', 'credentialProviders');
  panel.append(table([
    { label: 'Name', render: p => p.name },
    { label: 'ARN', render: p => h('span', { class: 'mono' }, p.credentialProviderArn) },
    { label: 'API key', render: () => secretNote() },
    { label: 'Updated', render: p => fmtTime(p.lastUpdatedTime) },
  ], list, { empty: 'No API key credential providers.' }));
}

async function renderVault(panel) {
  const v = await api('POST', '/identities/get-token-vault', {});
  const kms = v.kmsConfiguration || {};
  panel.append(h('dl', { class: 'kv' },
    h('dt', null, 'Vault'), h('dd', null, v.tokenVaultId || 'default'),
    h('dt', null, 'Key'), h('dd', null, kms.keyType || 'service managed'),
    h('dt', null, 'Updated'), h('dd', null, fmtTime(v.lastModifiedDate))));
}
