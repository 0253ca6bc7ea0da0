import { deadline } from "../../lib/deadline";

/** The slice of Vapi's REST API that pms-gateway uses (Bearer API key; base URL from VAPI_API_URL). */
export type VapiTool = { id: string; type: string; function?: { name?: string }; [key: string]: unknown };
export type VapiAssistant = { id: string; model?: { toolIds?: string[]; [key: string]: unknown }; [key: string]: unknown };

export class VapiApiError extends Error {
  override name = "VapiApiError";
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const TIMEOUT_MS = 15_000;

export class VapiApi {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  getAssistant(id: string) {
    return this.request<VapiAssistant>("GET", `/assistant/${encodeURIComponent(id)}`);
  }

  updateAssistant(id: string, patch: Record<string, unknown>) {
    return this.request<VapiAssistant>("PATCH", `/assistant/${encodeURIComponent(id)}`, patch);
  }

  /** A call with its end state (`status`, `endedReason`, `startedAt`, `endedAt`, `analysis`); null if unknown. */
  async getCall(id: string): Promise<Record<string, unknown> | null> {
    try {
      return await this.request<Record<string, unknown>>("GET", `/call/${encodeURIComponent(id)}`);
    } catch (e) {
      if (e instanceof VapiApiError && e.status === 404) return null;
      throw e;
    }
  }

  /** Null when the tool no longer exists (an assistant can keep a stale tool id). */
  async getTool(id: string): Promise<VapiTool | null> {
    try {
      return await this.request<VapiTool>("GET", `/tool/${encodeURIComponent(id)}`);
    } catch (e) {
      if (e instanceof VapiApiError && e.status === 404) return null;
      throw e;
    }
  }

  createTool(tool: Record<string, unknown>) {
    return this.request<VapiTool>("POST", "/tool", tool);
  }

  updateTool(id: string, patch: Record<string, unknown>) {
    return this.request<VapiTool>("PATCH", `/tool/${encodeURIComponent(id)}`, patch);
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const timeout = deadline(TIMEOUT_MS);
    try {
      const res = await this.fetchImpl(`${this.baseUrl}${path}`, {
        method,
        headers: { authorization: `Bearer ${this.apiKey}`, ...(body === undefined ? {} : { "content-type": "application/json" }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: timeout.signal,
        redirect: "error",
      });
      if (!res.ok) {
        // Vapi's error text names fields, not secrets; keep it short for the operator.
        const detail = (await res.text()).slice(0, 300);
        throw new VapiApiError(res.status, `Vapi API ${method} ${path.split("/")[1]} failed with ${res.status}: ${detail}`);
      }
      return (await res.json()) as T;
    } finally {
      timeout.clear();
    }
  }
}
