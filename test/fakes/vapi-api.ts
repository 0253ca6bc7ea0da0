/**
 * A local stand-in for Vapi's REST API (assistants and tools), speaking its wire format: Bearer API key,
 * JSON bodies, server-assigned ids and timestamps, and NestJS-style rejection of unknown properties.
 */
type Tool = Record<string, unknown> & { id: string };
type Assistant = Record<string, unknown> & { id: string; model?: Record<string, unknown> };

const TOOL_FIELDS = new Set(["type", "async", "function", "server", "messages", "parameters", "rejectionPlan", "variableExtractionPlan"]);

export function startFakeVapiApi(apiKey: string) {
  const assistants = new Map<string, Assistant>();
  const tools = new Map<string, Tool>();
  const calls = new Map<string, Record<string, unknown>>();
  const log: Array<{ method: string; path: string }> = [];
  let seq = 0;
  const now = () => new Date().toISOString();
  const json = (status: number, body: unknown) => Response.json(body, { status });
  const reject = (message: string) => json(400, { message: [message], error: "Bad Request", statusCode: 400 });

  const server = Bun.serve({
    port: 0,
    hostname: "127.0.0.1",
    async fetch(req) {
      const url = new URL(req.url);
      log.push({ method: req.method, path: url.pathname });
      if (req.headers.get("authorization") !== `Bearer ${apiKey}`) return json(401, { message: "Unauthorized", statusCode: 401 });
      const [, resource, id] = url.pathname.split("/");
      const body = req.method === "GET" ? undefined : ((await req.json()) as Record<string, unknown>);
      if (resource === "assistant" && id) {
        const assistant = assistants.get(id);
        if (!assistant) return json(404, { message: "Couldn't Get Assistant. `assistant` Not Found.", statusCode: 404 });
        if (req.method === "GET") return json(200, assistant);
        if (req.method === "PATCH") {
          Object.assign(assistant, body, { updatedAt: now() });
          return json(200, assistant);
        }
      }
      if (resource === "call" && id && req.method === "GET") {
        const call = calls.get(id);
        return call ? json(200, call) : json(404, { message: "Couldn't Get Call. `call` Not Found.", statusCode: 404 });
      }
      if (resource === "tool") {
        if (req.method === "POST" && !id) {
          for (const key of Object.keys(body!)) if (!TOOL_FIELDS.has(key)) return reject(`property ${key} should not exist`);
          const tool: Tool = { ...body!, id: `tool-${++seq}`, orgId: "org-fake", createdAt: now(), updatedAt: now() };
          tools.set(tool.id, tool);
          return json(201, tool);
        }
        const tool = id ? tools.get(id) : undefined;
        if (!tool) return json(404, { message: "Couldn't Get Tool. `tool` Not Found.", statusCode: 404 });
        if (req.method === "GET") return json(200, tool);
        if (req.method === "PATCH") {
          for (const key of Object.keys(body!)) if (key === "type" || !TOOL_FIELDS.has(key)) return reject(`property ${key} should not exist`);
          Object.assign(tool, body, { updatedAt: now() });
          return json(200, tool);
        }
      }
      return json(404, { message: `Cannot ${req.method} ${url.pathname}`, statusCode: 404 });
    },
  });

  return {
    url: `http://127.0.0.1:${server.port}`,
    assistants,
    tools,
    calls,
    log,
    addAssistant(a: Assistant) {
      assistants.set(a.id, a);
    },
    stop: () => server.stop(true),
  };
}
