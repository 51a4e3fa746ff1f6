// AgentCore Gateway through the official MCP TypeScript SDK
// (@modelcontextprotocol/sdk) and the AWS SDK for JavaScript v3: the control
// client creates a gateway with an OpenAPI target (a small HTTP API served by
// this test), the MCP client lists, searches and calls its tools.
//
//   cd tests/js && npm ci && AGENTCORE_TEST_ENDPOINT=http://127.0.0.1:8765 node --test gateway.test.mjs

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { randomUUID } from "node:crypto";

import {
  BedrockAgentCoreControlClient,
  CreateGatewayCommand,
  CreateGatewayTargetCommand,
  DeleteGatewayCommand,
  DeleteGatewayTargetCommand,
  ValidationException,
} from "@aws-sdk/client-bedrock-agentcore-control";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StreamableHTTPClientTransport } from "@modelcontextprotocol/sdk/client/streamableHttp.js";

const endpoint = process.env.AGENTCORE_TEST_ENDPOINT ?? "";
const skip = endpoint ? false : "AGENTCORE_TEST_ENDPOINT is not set";
const credentials = { accessKeyId: "AKIDAGENTCORETEST", secretAccessKey: "secret" };
const control = new BedrockAgentCoreControlClient({ region: "us-east-1", endpoint, credentials, maxAttempts: 1 });

let api, gateway, target, mcp;

function spec(base) {
  return JSON.stringify({
    openapi: "3.0.3", info: { title: "todo", version: "1" }, servers: [{ url: base }],
    paths: {
      "/todos/{id}": { get: { operationId: "getTodo", summary: "Get a todo item by id",
        parameters: [{ name: "id", in: "path", required: true, schema: { type: "string" } }], responses: { 200: { description: "ok" } } } },
      "/todos": { post: { operationId: "addTodo", summary: "Add a todo item to the list",
        requestBody: { required: true, content: { "application/json": { schema: { type: "object", required: ["title"],
          properties: { title: { type: "string" }, done: { type: "boolean" } } } } } }, responses: { 201: { description: "created" } } } },
    },
  });
}

before(async () => {
  if (skip) return;
  api = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      res.setHeader("Content-Type", "application/json");
      if (req.method === "GET" && req.url.startsWith("/todos/")) {
        res.end(JSON.stringify({ id: req.url.split("/")[2], title: "write tests", done: false }));
      } else if (req.method === "POST" && req.url === "/todos") {
        res.statusCode = 201;
        res.end(JSON.stringify({ id: "2", ...JSON.parse(body) }));
      } else {
        res.statusCode = 404;
        res.end("{}");
      }
    });
  });
  await new Promise((r) => api.listen(0, "127.0.0.1", r));
  const base = `http://127.0.0.1:${api.address().port}`;
  gateway = await control.send(new CreateGatewayCommand({
    name: `js-${randomUUID().slice(0, 8)}`, roleArn: "arn:aws:iam::123456789012:role/GatewayRole", authorizerType: "NONE",
    protocolType: "MCP", protocolConfiguration: { mcp: { searchType: "SEMANTIC" } },
  }));
  target = await control.send(new CreateGatewayTargetCommand({
    gatewayIdentifier: gateway.gatewayId, name: "todo",
    targetConfiguration: { mcp: { openApiSchema: { inlinePayload: spec(base) } } },
  }));
  mcp = new Client({ name: "js-test", version: "1.0.0" });
  await mcp.connect(new StreamableHTTPClientTransport(new URL(gateway.gatewayUrl)));
});

after(async () => {
  if (skip) return;
  await mcp?.close();
  if (target) await control.send(new DeleteGatewayTargetCommand({ gatewayIdentifier: gateway.gatewayId, targetId: target.targetId }));
  if (gateway) await control.send(new DeleteGatewayCommand({ gatewayIdentifier: gateway.gatewayId }));
  api?.close();
});

test("lists the gateway's tools", { skip }, async () => {
  const { tools } = await mcp.listTools();
  const names = tools.map((t) => t.name).sort();
  assert.ok(names.includes("todo___getTodo") && names.includes("todo___addTodo"), names.join(","));
  assert.ok(names.includes("x_amz_bedrock_agentcore_search"));
  assert.equal(tools.find((t) => t.name === "todo___getTodo").description, "Get a todo item by id");
});

test("calls tools", { skip }, async () => {
  const got = await mcp.callTool({ name: "todo___getTodo", arguments: { id: "7" } });
  assert.ok(!got.isError);
  assert.match(got.content[0].text, /"id":"7"/);
  const added = await mcp.callTool({ name: "todo___addTodo", arguments: { body: { title: "ship it" } } });
  assert.match(added.content[0].text, /ship it/);
  const bad = await mcp.callTool({ name: "todo___addTodo", arguments: { body: { done: true } } });
  assert.equal(bad.isError, true);
  assert.match(bad.content[0].text, /title/);
});

test("searches tools", { skip }, async () => {
  const res = await mcp.callTool({ name: "x_amz_bedrock_agentcore_search", arguments: { query: "add a new item to my todo list" } });
  assert.ok(!res.isError, res.content?.[0]?.text);
  const { tools } = res.structuredContent;
  assert.equal(tools[0].name, "todo___addTodo");
});

test("invalid OpenAPI is a ValidationException", { skip }, async () => {
  await assert.rejects(
    control.send(new CreateGatewayTargetCommand({ gatewayIdentifier: gateway.gatewayId, name: "broken",
      targetConfiguration: { mcp: { openApiSchema: { inlinePayload: "{\"openapi\": \"3.0.0\"" } } } })),
    (err) => err instanceof ValidationException && /OpenAPI/.test(err.message));
});
