// invoke.js: the runtime page's invoke box — a payload, a session id and
// an endpoint, the agent's answer streamed as it arrives.
import { apiStream, h, errorBox, fmtDuration } from '../lib.js';
import { sessionLink } from './common.js';

export const SESSION_HEADER = 'X-Amzn-Bedrock-AgentCore-Runtime-Session-Id';

// newSessionId is a fresh runtime session id (AgentCore wants ≥ 33 characters).
export function newSessionId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(b, x => x.toString(16).padStart(2, '0')).join('').replace(/^(.{8})(.{4})(.{4})(.{4})/, '$1-$2-$3-$4-');
}

// invokeBox renders the box for runtime rt (GetAgentRuntime's answer);
// endpoints are the endpoint names; onDone runs after each invocation.
export function invokeBox(rt, endpoints, onDone) {
  const payload = h('textarea', { id: 'invoke-payload', rows: 4, spellcheck: 'false' }, '{"prompt": "Hello"}');
  const session = h('input', { id: 'invoke-session', size: 40, spellcheck: 'false', value: newSessionId() });
  const qualifier = h('select', { id: 'invoke-qualifier' },
    (endpoints.length ? endpoints : ['DEFAULT']).map(n => h('option', { value: n }, n)));
  const out = h('pre', { class: 'out', id: 'invoke-output', 'aria-live': 'polite', 'aria-label': 'Agent response' });
  const status = h('div', { class: 'status', 'aria-live': 'polite' });
  const btn = h('button', { type: 'submit', class: 'primary', id: 'invoke-submit' }, 'Invoke');
  let controller = null;
  const form = h('form', {
    class: 'panel invoke', 'aria-label': 'Invoke the agent',
    onsubmit: async e => {
      e.preventDefault();
      if (controller) return;
      out.textContent = '';
      status.replaceChildren(h('span', { class: 'badge warn' }, 'streaming…'));
      btn.disabled = true;
      const started = performance.now();
      let bytes = 0;
      controller = true;
      const sid = session.value.trim();
      const path = `/runtimes/${encodeURIComponent(rt.agentRuntimeArn)}/invocations?qualifier=${encodeURIComponent(qualifier.value)}`;
      try {
        await apiStream('POST', path, payload.value, chunk => {
          bytes += chunk.length;
          out.append(chunk);
          out.scrollTop = out.scrollHeight;
        }, { [SESSION_HEADER]: sid, 'Content-Type': 'application/json' });
        status.replaceChildren(h('span', { class: 'badge ok' }, 'done'), ` ${bytes} characters in ${fmtDuration(performance.now() - started)} · session `,
          sessionLink(rt.agentRuntimeId, sid));
      } catch (err) {
        status.replaceChildren(errorBox(err));
      } finally {
        controller = null;
        btn.disabled = false;
        if (onDone) onDone(sid);
      }
    },
  },
  h('label', { for: 'invoke-payload' }, 'Payload (JSON)'), payload,
  h('div', { class: 'row' },
    h('div', null, h('label', { for: 'invoke-session' }, 'Session ID'), session),
    h('div', null, h('label', { for: 'invoke-qualifier' }, 'Endpoint'), qualifier),
    h('div', null, h('label', { for: 'invoke-new' }, '\u00a0'),
      h('button', { type: 'button', id: 'invoke-new', onclick: () => { session.value = newSessionId(); } }, 'New session'))),
  h('div', { class: 'row', style: { marginTop: '10px' } }, btn, status),
  out);
  return form;
}
