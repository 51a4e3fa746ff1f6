// AgentCore Runtime through the unmodified AWS SDK for JavaScript v3, against
// an agentcore server. The server URL comes from AGENTCORE_TEST_ENDPOINT
// (internal/e2e/clients_test.go starts a server and sets it):
//
//   cd tests/js && npm ci && AGENTCORE_TEST_ENDPOINT=http://127.0.0.1:8765 node --test
//
// The deployed agent is examples/python-stdlib-agent/agent.py (no dependencies).

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { deflateRawSync } from "node:zlib";
import { randomUUID } from "node:crypto";

import {
  BedrockAgentCoreControlClient,
  CreateAgentRuntimeCommand,
  GetAgentRuntimeCommand,
  DeleteAgentRuntimeCommand,
  paginateListAgentRuntimes,
  ResourceNotFoundException as ControlNotFound,
  ValidationException as ControlValidation,
  ConflictException,
} from "@aws-sdk/client-bedrock-agentcore-control";
import {
  BedrockAgentCoreClient,
  InvokeAgentRuntimeCommand,
  StopRuntimeSessionCommand,
  ResourceNotFoundException,
} from "@aws-sdk/client-bedrock-agentcore";

const endpoint = process.env.AGENTCORE_TEST_ENDPOINT ?? "";
const skip = endpoint ? false : "AGENTCORE_TEST_ENDPOINT is not set";
const region = "us-east-1";
const roleArn = "arn:aws:iam::123456789012:role/AgentRuntimeRole";
const agentPath = new URL("../../examples/python-stdlib-agent/agent.py", import.meta.url);
const credentials = { accessKeyId: "AKIDAGENTCORETEST", secretAccessKey: "secret" };

const control = new BedrockAgentCoreControlClient({ region, endpoint, credentials, maxAttempts: 1 });
const client = new BedrockAgentCoreClient({ region, endpoint, credentials, maxAttempts: 1 });

const sessionId = (tag) => `${tag}-${randomUUID()}`; // 33+ characters
const hex = () => randomUUID().replaceAll("-", "").slice(0, 8);

// ---- a tiny zip writer (deflate, no dependencies) ----

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** zip builds a zip archive of {name: Buffer} entries (mode 0644). */
function zip(files) {
  const locals = [];
  const centrals = [];
  let offset = 0;
  for (const [name, data] of Object.entries(files)) {
    const nameBuf = Buffer.from(name, "utf8");
    const packed = deflateRawSync(data);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(0, 10); // time, date
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(packed.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBuf.length, 26);
    local.writeUInt16LE(0, 28);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(0, 12);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(packed.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBuf.length, 28);
    central.writeUInt32LE(((0o100644 << 16) >>> 0), 38); // external attrs: regular file 0644
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBuf, packed);
    centrals.push(central, nameBuf);
    offset += local.length + nameBuf.length + packed.length;
  }
  const cd = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(centrals.length / 2, 8);
  end.writeUInt16LE(centrals.length / 2, 10);
  end.writeUInt32LE(cd.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, cd, end]);
}

// ---- helpers ----

async function upload(bucket, key, body) {
  const res = await fetch(`${endpoint}/_agentcore/artifacts/${bucket}/${key}`, { method: "PUT", body });
  assert.equal(res.status, 200, await res.clone().text());
  return res.json();
}

async function runningSessions() {
  const res = await fetch(`${endpoint}/_agentcore/sessions`);
  assert.equal(res.status, 200);
  return (await res.json()).sessions;
}

function createRuntime(name, key) {
  return control.send(
    new CreateAgentRuntimeCommand({
      agentRuntimeName: name,
      agentRuntimeArtifact: {
        codeConfiguration: {
          code: { s3: { bucket: "agents", prefix: key } },
          runtime: "PYTHON_3_11",
          entryPoint: ["agent.py"],
        },
      },
      roleArn,
      networkConfiguration: { networkMode: "PUBLIC" },
    }),
  );
}

async function waitReady(agentRuntimeId, timeoutMs = 120_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const rt = await control.send(new GetAgentRuntimeCommand({ agentRuntimeId }));
    if (rt.status === "READY") return rt;
    assert.ok(!["CREATE_FAILED", "UPDATE_FAILED"].includes(rt.status), rt.failureReason);
    assert.ok(Date.now() < deadline, `runtime ${agentRuntimeId} not READY: ${rt.status}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function invokeJSON(agentRuntimeArn, payload, runtimeSessionId) {
  const response = await client.send(
    new InvokeAgentRuntimeCommand({
      agentRuntimeArn,
      runtimeSessionId,
      payload: new TextEncoder().encode(JSON.stringify(payload)),
      contentType: "application/json",
      accept: "application/json",
    }),
  );
  const text = await response.response.transformToString();
  return { response, answer: JSON.parse(text) };
}

// ---- fixtures ----

let key;
let runtime;

before(async () => {
  if (skip) return;
  key = `js/stdlib-agent-${randomUUID()}.zip`;
  const info = await upload("agents", key, zip({ "agent.py": readFileSync(agentPath) }));
  assert.equal(info.key, key);
  const name = `js_stdlib_${hex()}`;
  const created = await createRuntime(name, key);
  assert.ok(["CREATING", "READY"].includes(created.status), created.status);
  assert.equal(created.agentRuntimeVersion, "1");
  assert.match(created.agentRuntimeArn, /^arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime\//);
  runtime = await waitReady(created.agentRuntimeId);
  assert.equal(runtime.agentRuntimeName, name);
  assert.deepEqual(runtime.agentRuntimeArtifact.codeConfiguration.entryPoint, ["agent.py"]);
});

after(async () => {
  if (runtime) {
    await control.send(new DeleteAgentRuntimeCommand({ agentRuntimeId: runtime.agentRuntimeId })).catch(() => {});
  }
  control.destroy();
  client.destroy();
});

// ---- tests ----

test("invoke with a JSON payload; session id round trip", { skip }, async () => {
  const arn = runtime.agentRuntimeArn;
  const sid = sessionId("js-json");
  let { response, answer } = await invokeJSON(arn, { prompt: "hello from js" }, sid);
  assert.equal(response.$metadata.httpStatusCode, 200);
  assert.equal(response.runtimeSessionId, sid);
  assert.match(response.contentType, /application\/json/);
  assert.deepEqual(answer, { result: "You said: hello from js", sessionId: sid, count: 1 });

  ({ response, answer } = await invokeJSON(arn, { prompt: "again" }, sid));
  assert.equal(response.runtimeSessionId, sid);
  assert.equal(answer.count, 2);

  const other = sessionId("js-other");
  ({ answer } = await invokeJSON(arn, { prompt: "other" }, other));
  assert.equal(answer.count, 1);
  assert.equal(answer.sessionId, other);
});

test("invoke without a session id gets one", { skip }, async () => {
  // The JS SDK fills runtimeSessionId with a UUID (idempotency token) when omitted.
  const { response, answer } = await invokeJSON(runtime.agentRuntimeArn, { prompt: "no session" });
  const sid = response.runtimeSessionId;
  assert.ok(sid && sid.length >= 33, sid);
  assert.equal(answer.sessionId, sid);
  const again = await invokeJSON(runtime.agentRuntimeArn, { prompt: "reuse" }, sid);
  assert.equal(again.answer.count, answer.count + 1);
});

test("invoke with a streaming (SSE) answer", { skip }, async () => {
  const sid = sessionId("js-stream");
  const n = 5;
  const delayMs = 200;
  const response = await client.send(
    new InvokeAgentRuntimeCommand({
      agentRuntimeArn: runtime.agentRuntimeArn,
      runtimeSessionId: sid,
      payload: new TextEncoder().encode(JSON.stringify({ stream: true, n, delayMs })),
    }),
  );
  assert.equal(response.runtimeSessionId, sid);
  assert.match(response.contentType, /text\/event-stream/);

  // As the AWS JS examples read a streaming answer: decode chunks, split lines,
  // JSON-decode every "data: " line.
  const events = [];
  const arrivals = [];
  const decoder = new TextDecoder();
  let buffer = "";
  for await (const chunk of response.response) {
    buffer += decoder.decode(chunk, { stream: true });
    const lines = buffer.split("\n");
    buffer = lines.pop();
    for (const line of lines) {
      if (line.startsWith("data: ")) {
        events.push(JSON.parse(line.slice(6)));
        arrivals.push(Date.now());
      }
    }
  }
  assert.equal(buffer.trim(), "");
  assert.deepEqual(
    events.map((e) => e.i),
    [...Array(n).keys()],
  );
  const spread = arrivals.at(-1) - arrivals[0];
  assert.ok(spread >= (n - 1) * delayMs * 0.6, `events arrived together (${spread} ms): buffered stream`);
});

test("ListAgentRuntimes paginator", { skip }, async () => {
  const extra = await createRuntime(`js_list_${hex()}`, key);
  try {
    const pages = [];
    for await (const page of paginateListAgentRuntimes({ client: control, pageSize: 1 }, {})) {
      pages.push(page);
    }
    assert.ok(pages.length >= 2, `pages: ${pages.length}`);
    for (const p of pages) assert.ok(p.agentRuntimes.length <= 1);
    const ids = pages.flatMap((p) => p.agentRuntimes.map((r) => r.agentRuntimeId));
    assert.equal(new Set(ids).size, ids.length, `duplicates: ${ids}`);
    assert.ok(ids.includes(runtime.agentRuntimeId));
    assert.ok(ids.includes(extra.agentRuntimeId));
    const summary = pages.flatMap((p) => p.agentRuntimes).find((r) => r.agentRuntimeId === runtime.agentRuntimeId);
    assert.equal(summary.agentRuntimeArn, runtime.agentRuntimeArn);
    assert.equal(summary.agentRuntimeName, runtime.agentRuntimeName);
    assert.ok(summary.lastUpdatedAt instanceof Date);
  } finally {
    await waitReady(extra.agentRuntimeId);
    await control.send(new DeleteAgentRuntimeCommand({ agentRuntimeId: extra.agentRuntimeId }));
  }
});

test("StopRuntimeSession", { skip }, async () => {
  const arn = runtime.agentRuntimeArn;
  const sid = sessionId("js-stop");
  await invokeJSON(arn, { prompt: "one" }, sid);
  const { answer } = await invokeJSON(arn, { prompt: "two" }, sid);
  assert.equal(answer.count, 2);
  assert.ok((await runningSessions()).some((s) => s.sessionId === sid));

  const out = await client.send(new StopRuntimeSessionCommand({ agentRuntimeArn: arn, runtimeSessionId: sid }));
  assert.equal(out.$metadata.httpStatusCode, 200);
  assert.equal(out.runtimeSessionId, sid);
  assert.ok(!(await runningSessions()).some((s) => s.sessionId === sid));

  await assert.rejects(
    client.send(new StopRuntimeSessionCommand({ agentRuntimeArn: arn, runtimeSessionId: sid })),
    ResourceNotFoundException,
  );
  const fresh = await invokeJSON(arn, { prompt: "three" }, sid);
  assert.equal(fresh.answer.count, 1);
});

test("typed errors", { skip }, async () => {
  const missingId = "nosuchagent_x-abcdefghij";
  await assert.rejects(control.send(new GetAgentRuntimeCommand({ agentRuntimeId: missingId })), (err) => {
    assert.ok(err instanceof ControlNotFound, `${err.name}: ${err.message}`);
    assert.equal(err.name, "ResourceNotFoundException");
    assert.equal(err.$metadata.httpStatusCode, 404);
    assert.ok(err.message.length > 0);
    return true;
  });
  await assert.rejects(
    client.send(
      new InvokeAgentRuntimeCommand({
        agentRuntimeArn: `arn:aws:bedrock-agentcore:us-east-1:123456789012:runtime/${missingId}`,
        runtimeSessionId: sessionId("missing"),
        payload: new TextEncoder().encode("{}"),
      }),
    ),
    ResourceNotFoundException,
  );
  await assert.rejects(createRuntime(`bad-name-${hex()}`, key), (err) => {
    assert.ok(err instanceof ControlValidation, `${err.name}: ${err.message}`);
    assert.equal(err.$metadata.httpStatusCode, 400);
    return true;
  });
  await assert.rejects(createRuntime(runtime.agentRuntimeName, key), (err) => {
    assert.ok(err instanceof ConflictException, `${err.name}: ${err.message}`);
    assert.equal(err.$metadata.httpStatusCode, 409);
    return true;
  });
});

test("DeleteAgentRuntime", { skip }, async () => {
  const created = await createRuntime(`js_delete_${hex()}`, key);
  await waitReady(created.agentRuntimeId);
  const sid = sessionId("js-delete");
  await invokeJSON(created.agentRuntimeArn, { prompt: "before delete" }, sid);

  const out = await control.send(new DeleteAgentRuntimeCommand({ agentRuntimeId: created.agentRuntimeId }));
  assert.ok(["DELETING", "DELETED"].includes(out.status), out.status);
  const deadline = Date.now() + 30_000;
  for (;;) {
    try {
      const rt = await control.send(new GetAgentRuntimeCommand({ agentRuntimeId: created.agentRuntimeId }));
      assert.equal(rt.status, "DELETING");
    } catch (err) {
      assert.ok(err instanceof ControlNotFound, `${err.name}: ${err.message}`);
      break;
    }
    assert.ok(Date.now() < deadline, "runtime still present 30s after delete");
    await new Promise((r) => setTimeout(r, 200));
  }
  await assert.rejects(
    client.send(
      new InvokeAgentRuntimeCommand({
        agentRuntimeArn: created.agentRuntimeArn,
        runtimeSessionId: sid,
        payload: new TextEncoder().encode("{}"),
      }),
    ),
    ResourceNotFoundException,
  );
  assert.ok(!(await runningSessions()).some((s) => s.runtimeId === created.agentRuntimeId));
});
