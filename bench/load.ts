import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export type LoadRequest = { method: string; path: string; headers: Record<string, string>; body?: string };
export type LoadResult = { tool: "wrk" | "autocannon"; requests: number; rps: number; p50ms: number; p99ms: number; errors: number };

/** A response counts as an error when its status is not 2xx, or (Vapi always answers 200) it carries `"error"`. */
const ERROR_MARKER = '"error"';

/** wrk when installed (BENCH_LOAD=autocannon forces the npm fallback). */
export const hasWrk = () => process.env.BENCH_LOAD !== "autocannon" && Bun.which("wrk") !== null;

/**
 * Runs a closed-loop load on loopback for `seconds`, with `connections` concurrent connections. Each
 * request comes from `requests` in order (wrk: one precomputed list, split across threads), so every
 * write can carry its own signature and id.
 */
export async function runLoad(baseUrl: string, requests: LoadRequest[], options: { connections: number; seconds: number }): Promise<LoadResult> {
  return hasWrk() ? runWrk(baseUrl, requests, options) : runAutocannon(baseUrl, requests, options);
}

async function runWrk(baseUrl: string, requests: LoadRequest[], { connections, seconds }: { connections: number; seconds: number }): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), "pms-bench-"));
  const list = join(dir, "requests.txt");
  // One request per line: method \t path \t headers(k=v;;k=v) \t body — Lua reads them in `init`.
  writeFileSync(
    list,
    requests
      .map((r) =>
        [
          r.method,
          r.path,
          Object.entries(r.headers)
            .map(([k, v]) => `${k}=${v}`)
            .join(";;"),
          r.body ?? "",
        ].join("\t"),
      )
      .join("\n"),
  );
  const script = join(dir, "load.lua");
  writeFileSync(
    script,
    `
local reqs = {}
local threads = {}
local counter = 1
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end
function init(args)
  errors = 0
  responses = 0
  local nthreads = tonumber(args[1])
  local i = 0
  for line in io.lines("${list}") do
    if i % nthreads == (id - 1) then
      local method, path, hdrs, body = line:match("^([^\\t]*)\\t([^\\t]*)\\t([^\\t]*)\\t(.*)$")
      local headers = {}
      for k, v in hdrs:gmatch("([^=;]+)=([^;]*)") do headers[k] = v end
      table.insert(reqs, wrk.format(method, path, headers, body ~= "" and body or nil))
    end
    i = i + 1
  end
  n = 0
end
function request()
  n = n + 1
  return reqs[((n - 1) % #reqs) + 1]
end
function response(status, headers, body)
  responses = responses + 1
  if status < 200 or status >= 300 or string.find(body, '${ERROR_MARKER}', 1, true) then errors = errors + 1 end
end
function done(summary, latency, requests)
  local e = 0
  for _, t in ipairs(threads) do e = e + t:get("errors") end
  io.write(string.format("RESULT %d %f %f %f %d\\n", summary.requests, summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000, e))
end
`,
  );
  const threads = Math.min(2, connections); // wrk needs at least one connection per thread
  const proc = Bun.spawn(["wrk", `-t${threads}`, `-c${connections}`, `-d${seconds}s`, "--latency", "-s", script, baseUrl, "--", String(threads)], {
    stdout: "pipe",
    stderr: "pipe",
  });
  const out = await new Response(proc.stdout).text();
  await proc.exited;
  // The request list of a booking run is ~30 MB: kept after the run, a day of runs fills the disk.
  rmSync(dir, { recursive: true, force: true });
  const m = /RESULT (\d+) ([\d.]+) ([\d.]+) ([\d.]+) (\d+)/.exec(out);
  if (!m) throw new Error(`wrk failed: ${out}\n${await new Response(proc.stderr).text()}`);
  return { tool: "wrk", requests: Number(m[1]), rps: Number(m[2]), p50ms: Number(m[3]), p99ms: Number(m[4]), errors: Number(m[5]) };
}

async function runAutocannon(
  baseUrl: string,
  requests: LoadRequest[],
  { connections, seconds }: { connections: number; seconds: number },
): Promise<LoadResult> {
  const autocannon = (await import("autocannon")).default as any;
  let next = 0;
  let errors = 0;
  const result = await autocannon({
    url: baseUrl,
    connections,
    duration: seconds,
    requests: [
      {
        setupRequest: (req: any) => {
          const r = requests[next++ % requests.length]!;
          return { ...req, method: r.method, path: r.path, headers: r.headers, body: r.body };
        },
        onResponse: (status: number, body: string) => {
          if (status < 200 || status >= 300 || body.includes(ERROR_MARKER)) errors++;
        },
      },
    ],
  });
  return { tool: "autocannon", requests: result.requests.total, rps: result.requests.average, p50ms: result.latency.p50, p99ms: result.latency.p99, errors };
}
