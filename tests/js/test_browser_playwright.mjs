// AgentCore Browser from Node: the AWS SDK for JavaScript v3 starts a session,
// Playwright for Node (playwright-core from npm, no browser download) connects
// to the session's automation stream with SigV4-signed upgrade headers
// (@smithy/signature-v4), navigates to a page served here on loopback and
// reads the DOM.
//
// Run by internal/e2e/browser_clients_test.go (TestClientsBrowser) with the
// one-time set-up `agentcore certs` prints: AGENTCORE_TEST_TLS_ENDPOINT =
// https://agentcore.local.amazonaws.com:<port> (a hosts entry in the test's own
// mount namespace), NODE_EXTRA_CA_CERTS = the server's local CA. The session's
// Chromium runs under the process sandbox driver, so it reaches this
// process's loopback server.
//
//   node --test tests/js/test_browser_playwright.mjs

import assert from "node:assert/strict";
import { createHash, createHmac } from "node:crypto";
import { createServer } from "node:http";
import { test, before, after } from "node:test";

import { SignatureV4 } from "@smithy/signature-v4";
import { BedrockAgentCoreClient, StartBrowserSessionCommand, StopBrowserSessionCommand, GetBrowserSessionCommand } from "@aws-sdk/client-bedrock-agentcore";
import { chromium } from "playwright-core";

const endpoint = process.env.AGENTCORE_TEST_TLS_ENDPOINT ?? "";
const skip = endpoint && process.env.AGENTCORE_TEST_BROWSER ? false : "needs a server with the Browser and --tls-listen (TestClientsBrowser)";
const region = "us-east-1";
const credentials = { accessKeyId: process.env.AWS_ACCESS_KEY_ID ?? "", secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY ?? "" };

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
const signer = new SignatureV4({ service: "bedrock-agentcore", region, credentials, sha256: Sha256 });

/** wsHeaders signs a GET of the https:// form of a wss:// URL, as the Python SDK's generate_ws_headers does. */
async function wsHeaders(wsUrl) {
  const url = new URL(wsUrl.replace(/^wss:/, "https:"));
  const signed = await signer.sign({
    method: "GET", protocol: "https:", hostname: url.hostname, port: Number(url.port) || undefined,
    path: url.pathname, query: {}, headers: { host: url.host },
  });
  const out = { ...signed.headers };
  delete out.host; // Node sends it from the URL
  return out;
}

let pages; // http://127.0.0.1:<port>
let server;
let client;

before(async () => {
  if (skip) return;
  client = new BedrockAgentCoreClient({ region, endpoint, credentials, maxAttempts: 1 });
  server = createServer((req, res) => {
    res.setHeader("Content-Type", "text/html; charset=utf-8");
    if (req.url === "/hello") {
      res.end("<!doctype html><title>node page</title><h1 id='h'>Hello, Playwright for Node</h1><ul><li>one</li><li>two</li></ul>");
    } else {
      res.statusCode = 404;
      res.end("not found");
    }
  });
  await new Promise((resolve) => server.listen(0, "127.0.0.1", resolve));
  pages = `http://127.0.0.1:${server.address().port}`;
});

after(async () => {
  if (server) await new Promise((resolve) => server.close(resolve));
});

test("playwright-core connectOverCDP to the automation stream", { skip }, async () => {
  const started = await client.send(new StartBrowserSessionCommand({
    browserIdentifier: "aws.browser.v1", name: "node-playwright", sessionTimeoutSeconds: 600, viewPort: { width: 1024, height: 768 },
  }));
  const { sessionId } = started;
  try {
    const wsUrl = started.streams.automationStream.streamEndpoint;
    const host = new URL(endpoint).host;
    assert.equal(wsUrl, `wss://${host}/browser-streams/aws.browser.v1/sessions/${sessionId}/automation`);

    const browser = await chromium.connectOverCDP(wsUrl, { headers: await wsHeaders(wsUrl) });
    try {
      const page = browser.contexts()[0].pages()[0];
      await page.goto(`${pages}/hello`);
      assert.equal(await page.title(), "node page");
      assert.equal(await page.textContent("#h"), "Hello, Playwright for Node");
      assert.deepEqual(await page.$$eval("li", (els) => els.map((e) => e.textContent)), ["one", "two"]);
      const shot = await page.screenshot();
      assert.deepEqual([...shot.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
      assert.deepEqual([shot.readUInt32BE(16), shot.readUInt32BE(20)], [1024, 768]);
    } finally {
      await browser.close();
    }

    // Unsigned and wrongly signed upgrades are refused.
    await assert.rejects(chromium.connectOverCDP(wsUrl, { timeout: 15000 }));
    const bad = await wsHeaders(wsUrl);
    bad.authorization = bad.authorization.replace(/Signature=([0-9a-f])/, (_, c) => `Signature=${c === "0" ? "1" : "0"}`);
    await assert.rejects(chromium.connectOverCDP(wsUrl, { headers: bad, timeout: 15000 }));
  } finally {
    await client.send(new StopBrowserSessionCommand({ browserIdentifier: "aws.browser.v1", sessionId }));
  }
  const got = await client.send(new GetBrowserSessionCommand({ browserIdentifier: "aws.browser.v1", sessionId }));
  assert.equal(got.status, "TERMINATED");
});
