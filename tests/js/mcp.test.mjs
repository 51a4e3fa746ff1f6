// MCP runtimes through the official MCP TypeScript SDK client (streamable
// HTTP). Run by internal/e2e/mcp_js_test.go (TestMCPJS), which deploys
// examples/mcp-go-agent (stateless) and, with MCP_STATEFUL=1, a stateful one,
// and passes their ARNs; skipped otherwise.
import assert from "node:assert/strict";
import { createHash, createHmac, randomUUID } from "node:crypto";
import { test } from "node:test";

import { SignatureV4 } from "@smithy/signature-v4";

import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const ENDPOINT = process.env.AGENTCORE_TEST_ENDPOINT ?? "";
const SERVERS = { stateless: process.env.MCP_GO_ARN ?? "", stateful: process.env.MCP_GO_STATEFUL_ARN ?? "" };
const skip = !ENDPOINT || !SERVERS.stateless ? "MCP_GO_ARN is not set (run by TestMCPJS)" : false;

// SigV4 signing (service bedrock-agentcore) as with IAM auth on AWS: a fetch
// that signs every request the MCP transport sends.
class Sha256 {
  constructor(secret) {
    this.secret = secret;
    this.reset();
  }
  reset() {
    this.h = this.secret ? createHmac("sha256", this.secret) : createHash("sha256");
  }
  update(data) {
    this.h.update(typeof data === "string" ? Buffer.from(data) : data);
  }
  async digest() {
    return new Uint8Array(this.h.digest());
  }
}
const signer = new SignatureV4({
  service: "bedrock-agentcore",
  region: process.env.AWS_REGION ?? "us-east-1",
  credentials: { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? "", secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? "" },
  sha256: Sha256,
});

async function signedFetch(input, init = {}) {
  const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
  const headers = Object.fromEntries(new Headers(init.headers ?? {}).entries());
  headers.host = url.host;
  const body = init.body ?? undefined;
  const query = Object.fromEntries(url.searchParams.entries());
  const signed = await signer.sign({
    method: init.method ?? "GET", protocol: url.protocol, hostname: url.hostname, port: Number(url.port) || undefined,
    path: url.pathname, query, headers, body,
  });
  const out = { ...signed.headers };
  delete out.host;
  return fetch(url, { ...init, headers: out });
}

const urlFor = (arn) => new URL(`${ENDPOINT}/runtimes/${encodeURIComponent(arn)}/invocations?qualifier=DEFAULT`);

async function session(arn, headers) {
  const client = new Client({ name: "agentcore-js", version: "1.0.0" });
  const transport = new StreamableHTTPClientTransport(urlFor(arn), { requestInit: { headers }, fetch: signedFetch });
  await client.connect(transport);
  const tools = await client.listTools();
  assert.deepEqual(tools.tools.map((t) => t.name).sort(), ["add", "echo", "whoami"]);
  const sum = await client.callTool({ name: "add", arguments: { a: 2, b: 40 } });
  assert.equal(sum.structuredContent.sum, 42);
  const echo = await client.callTool({ name: "echo", arguments: { text: "héllo js" } });
  assert.equal(echo.content[0].text, "héllo js");
  const first = (await client.callTool({ name: "whoami", arguments: {} })).structuredContent;
  const second = (await client.callTool({ name: "whoami", arguments: {} })).structuredContent;
  const sid = transport.sessionId;
  await transport.terminateSession();
  await client.close();
  return { sid, first, second };
}

test("with the runtime session header", { skip }, async () => {
  const sessionId = `mcp-js-${randomUUID()}`;
  const { first, second } = await session(SERVERS.stateless, { "X-Amzn-Bedrock-AgentCore-Runtime-Session-Id": sessionId });
  assert.equal(first.runtimeSessionId, sessionId);
  assert.equal(second.pid, first.pid);
  assert.equal(second.calls, first.calls + 1);
});

for (const kind of ["stateless", "stateful"]) {
  test(`without it (${kind} server)`, { skip: skip || (!SERVERS[kind] && `no ${kind} ARN`) }, async () => {
    const { sid, first, second } = await session(SERVERS[kind], {});
    assert.ok(sid, "an Mcp-Session-Id was issued");
    assert.equal(first.mcpSessionId, sid);
    if (kind === "stateless") assert.equal(first.runtimeSessionId, sid);
    else assert.notEqual(first.runtimeSessionId, sid);
    assert.equal(second.runtimeSessionId, first.runtimeSessionId);
    assert.equal(second.calls, first.calls + 1);
  });
}
