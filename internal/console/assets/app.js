// app.js: the console's shell — session, navigation, path routing and the
// sign-in form. Pages live in pages/<name>.js (the contract).
import { api, setSession, h, link, navigate, errorBox, ApiError } from './lib.js';

// routes: path pattern → page module (names fixed by the contract).
const routes = [
  ['/console/', 'overview'],
  ['/console/runtimes/:id', 'runtime'],
  ['/console/sessions/:runtimeId/:sessionId', 'session'],
  ['/console/memories', 'memory'],
  ['/console/memories/:id', 'memory'],
  ['/console/gateways', 'gateways'],
  ['/console/gateways/:id', 'gateways'],
  ['/console/policies', 'policies'],
  ['/console/policies/:id', 'policies'],
  ['/console/identity', 'identity'],
  ['/console/code-interpreters', 'tools'],
  ['/console/evaluations', 'evaluations'],
].map(([pattern, page]) => {
  const names = [];
  const re = pattern.replace(/:(\w+)/g, (_, n) => { names.push(n); return '([^/]+)'; });
  return { re: new RegExp(`^${re}/?$`), names, page };
});

const navItems = [
  ['/console/', 'Overview'],
  ['/console/memories', 'Memory'],
  ['/console/gateways', 'Gateways'],
  ['/console/policies', 'Policies'],
  ['/console/identity', 'Identity'],
  ['/console/code-interpreters', 'Tools'],
  ['/console/evaluations', 'Evaluations'],
];

let ctx = null;        // {account, region, mode}
let cleanup = null;    // the current page's cleanup
let generation = 0;    // drops renders overtaken by a newer navigation

// match returns the page and params of path, or null.
export function match(path) {
  for (const r of routes) {
    const m = r.re.exec(path);
    if (!m) continue;
    const params = {};
    r.names.forEach((n, i) => { params[n] = decodeURIComponent(m[i + 1]); });
    return { page: r.page, params };
  }
  return null;
}

async function loadSession() {
  try {
    return await api('GET', '/console/api/session');
  } catch (e) {
    // Without console-auth's endpoint the server is in local mode.
    if (e instanceof ApiError && e.status === 404) return { mode: 'local', account: '', region: '', csrfToken: '' };
    throw e;
  }
}

function renderNav(path) {
  const nav = document.getElementById('nav');
  const items = navItems.map(([href, text]) => {
    const a = link(href, text);
    const current = href === '/console/' ? path === href || path.startsWith('/console/runtimes/') || path.startsWith('/console/sessions/')
      : path === href || path.startsWith(href + '/');
    if (current) a.setAttribute('aria-current', 'page');
    return h('li', null, a);
  });
  nav.replaceChildren(h('ul', null, items));
}

function renderWhoami() {
  const el = document.getElementById('whoami');
  const parts = [];
  if (ctx && ctx.account) parts.push(h('span', { class: 'acct', title: 'account' }, ctx.account));
  if (ctx && ctx.region) parts.push(h('span', { class: 'region', title: 'region' }, ctx.region));
  if (ctx && ctx.mode) parts.push(h('span', { class: 'mode' }, ctx.mode === 'local' ? 'local mode' : 'signed in'));
  if (ctx && ctx.mode === 'credentials') {
    parts.push(h('button', { type: 'button', class: 'link', onclick: signOut }, 'Sign out'));
  }
  el.replaceChildren(...parts);
}

async function signOut() {
  try { await api('DELETE', '/console/api/session'); } catch { /* signed out either way */ }
  ctx = null;
  setSession(null);
  navigate('/console/signin');
}

function renderSignIn(main) {
  document.title = 'Sign in · agentcore console';
  document.getElementById('nav').replaceChildren();
  const status = h('div', { class: 'status', 'aria-live': 'polite' });
  const form = h('form', {
    class: 'signin', 'aria-labelledby': 'signin-title',
    onsubmit: async e => {
      e.preventDefault();
      const fd = new FormData(form);
      status.replaceChildren(h('p', null, 'Signing in…'));
      try {
        const s = await api('POST', '/console/api/session', { accessKeyId: fd.get('accessKeyId'), secretAccessKey: fd.get('secretAccessKey') });
        ctx = { account: s.account, region: s.region, mode: s.mode };
        setSession(s);
        renderWhoami();
        navigate('/console/');
      } catch (err) {
        status.replaceChildren(errorBox(err.status === 403 ? new ApiError(403, err.type, 'The access key pair is not valid.') : err));
      }
    },
  },
  h('h1', { id: 'signin-title' }, 'Sign in'),
  h('p', null, 'Use an access key pair of the server\'s credentials file.'),
  h('label', { for: 'accessKeyId' }, 'Access key ID'),
  h('input', { id: 'accessKeyId', name: 'accessKeyId', autocomplete: 'username', required: true, spellcheck: 'false' }),
  h('label', { for: 'secretAccessKey' }, 'Secret access key'),
  h('input', { id: 'secretAccessKey', name: 'secretAccessKey', type: 'password', autocomplete: 'current-password', required: true }),
  h('button', { type: 'submit', class: 'primary' }, 'Sign in'),
  status);
  main.replaceChildren(form);
  form.querySelector('input').focus();
}

async function render() {
  const gen = ++generation;
  if (cleanup) { try { cleanup(); } catch { /* a page's cleanup must not block navigation */ } cleanup = null; }
  const main = document.getElementById('main');
  const path = location.pathname;
  if (path === '/console/signin' || path === '/console/signin/') {
    if (ctx && ctx.mode === 'local') { navigate('/console/'); return; }
    renderSignIn(main);
    return;
  }
  if (!ctx) {
    try {
      const s = await loadSession();
      ctx = { account: s.account, region: s.region, mode: s.mode };
      setSession(s);
    } catch (e) {
      if (e instanceof ApiError && e.status === 401) { navigate('/console/signin'); return; }
      main.replaceChildren(errorBox(e));
      return;
    }
    renderWhoami();
  }
  if (gen !== generation) return;
  renderNav(path);
  const m = match(path);
  if (!m) {
    document.title = 'Not found · agentcore console';
    main.replaceChildren(h('div', { class: 'page', 'data-page': 'notfound', 'data-ready': '' },
      h('h1', null, 'Not found'), h('p', null, 'No console page at ', h('code', null, path), '. '), link('/console/', 'Overview')));
    return;
  }
  let mod;
  try {
    mod = await import(`./pages/${m.page}.js`);
  } catch (e) {
    if (gen === generation) main.replaceChildren(h('h1', null, 'Unavailable'), errorBox(new Error(`the ${m.page} page could not be loaded`)));
    return;
  }
  if (gen !== generation) return;
  document.title = `${mod.title} · agentcore console`;
  const root = h('div', { class: 'page', 'data-page': m.page });
  main.replaceChildren(root);
  try {
    const c = await mod.render(root, m.params, ctx);
    if (gen !== generation) { if (typeof c === 'function') c(); return; }
    if (typeof c === 'function') cleanup = c;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) { ctx = null; navigate('/console/signin'); return; }
    if (gen === generation) root.append(errorBox(e));
  }
  if (gen === generation) {
    root.setAttribute('data-ready', '');
    if (!performance.getEntriesByName('console-ready').length) performance.mark('console-ready'); // first render (docs/benchmarks.md)
    const h1 = root.querySelector('h1');
    if (h1 && window.consoleNavigated) { h1.setAttribute('tabindex', '-1'); h1.focus({ preventScroll: true }); }
    window.consoleNavigated = true;
  }
}

window.addEventListener('console:navigate', () => { render(); window.scrollTo(0, 0); });
window.addEventListener('popstate', render);
window.addEventListener('console:signedout', () => {
  if (!ctx || ctx.mode === 'local' || location.pathname.startsWith('/console/signin')) return;
  ctx = null;
  setSession(null);
  document.getElementById('whoami').replaceChildren();
  navigate('/console/signin');
});
document.querySelector('.brand').addEventListener('click', e => {
  if (e.button !== 0 || e.metaKey || e.ctrlKey) return;
  e.preventDefault();
  navigate('/console/');
});
render();
