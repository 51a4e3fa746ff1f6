// Stateful JavaScript worker of the code-interpreter kernel (Node 18+, no
// npm dependencies). Started by kernel_exec.py as `node kernel.js REQ_FD
// RES_FD` in its own process group.
//
// Requests arrive as JSON lines on REQ_FD, answers leave as JSON lines on
// RES_FD:  {"id": n, "op": "exec", "code": "...", "timeoutMs": n}
//          {"id": n, "op": "reset"}
//       -> {"id": n, "exitCode": 0|1, "timedOut": bool}
// fds 1 and 2 are pipes the kernel reads: console.log / process.stdout of
// user code (and of its child processes) go there, and after each run the
// worker writes $AGENTCORE_KERNEL_MARK to both so the kernel knows the run's
// output is complete.
//
// All calls share one vm context, so top-level let/const/function/class
// declarations of one call are visible in the next (re-declaring a let or
// const name is a SyntaxError, as in a browser console). The completion
// value of the code is printed with util.inspect unless undefined; a
// returned Promise is awaited. Code with top-level `await` is run as the
// body of an async function (its last line is returned when it is an
// expression), so ITS declarations are local to that call: assign to
// globalThis to keep a value. The vm timeout stops synchronous loops; an
// awaited promise is abandoned after the timeout (the kernel kills and
// restarts the worker if the event loop itself is blocked).
'use strict';
const fs = require('fs');
const net = require('net');
const path = require('path');
const readline = require('readline');
const util = require('util');
const vm = require('vm');
const { createRequire } = require('module');

const REQ_FD = Number(process.argv[2]);
const RES_FD = Number(process.argv[3]);
const MARK = process.env.AGENTCORE_KERNEL_MARK || '';
delete process.env.AGENTCORE_KERNEL_MARK;

let context = null;
let cells = 0;

function freshContext() {
  const req = createRequire(path.join(process.cwd(), '[eval].js'));
  const mod = { exports: {}, require: req, id: '[eval]', filename: path.join(process.cwd(), '[eval]') };
  const sandbox = {
    console, process, Buffer, require: req, module: mod, exports: mod.exports,
    __filename: mod.filename, __dirname: process.cwd(),
    setTimeout, clearTimeout, setInterval, clearInterval, setImmediate, clearImmediate, queueMicrotask,
    structuredClone, atob, btoa, URL, URLSearchParams, TextEncoder, TextDecoder,
    AbortController, AbortSignal, Event, EventTarget, performance,
  };
  for (const name of ['fetch', 'Headers', 'Request', 'Response', 'FormData', 'Blob', 'crypto', 'WebSocket']) {
    if (globalThis[name] !== undefined) sandbox[name] = globalThis[name];
  }
  return vm.createContext(sandbox, { name: 'code-interpreter' });
}

function isThenable(v) {
  return v !== null && (typeof v === 'object' || typeof v === 'function') && typeof v.then === 'function';
}

// compile returns a vm.Script for code; code with top-level await that is
// not a valid script becomes an async function body.
function compile(code, filename) {
  try {
    return new vm.Script(code, { filename });
  } catch (e) {
    if (!(e instanceof SyntaxError) || !/\bawait\b/.test(code)) throw e;
    const lines = code.replace(/\s+$/, '').split('\n');
    const last = lines.length ? lines[lines.length - 1].replace(/;\s*$/, '') : '';
    if (last.trim() !== '' && !/^\s*(const|let|var|function|class|if|for|while|do|switch|try|return|throw|import|export)\b|^\s*[}]/.test(last)) {
      const body = lines.slice(0, -1).concat(['return (' + last + ');']).join('\n');
      try {
        return new vm.Script('(async () => {' + body + '\n})()', { filename });
      } catch (_) { /* fall through */ }
    }
    return new vm.Script('(async () => {' + code + '\n})()', { filename });
  }
}

// cleanStack drops the worker's and Node's internal frames.
function describe(err) {
  if (err !== null && typeof err === 'object' && typeof err.stack === 'string') {
    return err.stack.split('\n')
      .filter((l) => !/^\s+at .*(node:|kernel\.js|\[worker\])/.test(l))
      .join('\n');
  }
  return 'Uncaught ' + util.inspect(err);
}

function writeAll(fd, text) {
  let buf = Buffer.from(text);
  while (buf.length > 0) buf = buf.subarray(fs.writeSync(fd, buf));
}

function mark(stream) {
  return new Promise((resolve) => {
    try {
      stream.write(MARK, () => resolve());
    } catch (_) {
      resolve();
    }
  });
}

async function execute(req) {
  let exitCode = 0;
  let timedOut = false;
  const deadline = Date.now() + (req.timeoutMs || 300000);
  const filename = '<cell-' + (++cells) + '>';
  try {
    const script = compile(String(req.code || ''), filename);
    let value = script.runInContext(context, { timeout: Math.max(1, deadline - Date.now()), displayErrors: false });
    if (isThenable(value)) {
      let timer;
      const expired = Symbol('expired');
      const late = new Promise((resolve) => {
        timer = setTimeout(() => resolve(expired), Math.max(0, deadline - Date.now()));
      });
      const settled = await Promise.race([Promise.resolve(value), late]);
      clearTimeout(timer);
      if (settled === expired) {
        timedOut = true;
        exitCode = 1;
        process.stderr.write('Error: the promise did not settle before the timeout\n');
        value = undefined;
      } else {
        value = settled;
      }
    }
    if (value !== undefined) process.stdout.write(util.inspect(value) + '\n');
  } catch (e) {
    exitCode = 1;
    if (e && e.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') timedOut = true;
    process.stderr.write(describe(e) + '\n');
  }
  return { exitCode, timedOut };
}

async function handle(req) {
  const answer = { id: req.id, exitCode: 0, timedOut: false };
  if (req.op === 'reset') {
    context = freshContext();
  } else {
    Object.assign(answer, await execute(req));
    await Promise.all([mark(process.stdout), mark(process.stderr)]);
  }
  writeAll(RES_FD, JSON.stringify(answer) + '\n');
}

function main() {
  context = freshContext();
  process.on('uncaughtException', (e) => process.stderr.write(describe(e) + '\n'));
  process.on('unhandledRejection', (e) => process.stderr.write('Unhandled rejection: ' + describe(e) + '\n'));
  const ppid = process.ppid;
  setInterval(() => {
    if (process.ppid !== ppid) process.kill(-process.pid, 'SIGKILL');
  }, 1000).unref();
  const rl = readline.createInterface({ input: new net.Socket({ fd: REQ_FD, readable: true, writable: false }), crlfDelay: Infinity });
  let chain = Promise.resolve();
  rl.on('line', (line) => {
    let req;
    try {
      req = JSON.parse(line);
    } catch (_) {
      return;
    }
    chain = chain.then(() => handle(req)).catch((e) => process.stderr.write('kernel.js: ' + describe(e) + '\n'));
  });
  rl.on('close', () => process.exit(0));
}

main();
