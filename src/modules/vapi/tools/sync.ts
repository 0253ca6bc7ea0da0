import type { VapiApi, VapiTool } from "../api-client";
import type { VapiFunctionTool } from "./definitions";

export type SyncReport = { created: string[]; updated: string[]; unchanged: string[]; assistantUpdated: boolean };

/** True when every field we define is already set the same way (Vapi adds its own fields around them). */
export function containsDefinition(actual: unknown, wanted: unknown): boolean {
  if (Array.isArray(wanted)) {
    return Array.isArray(actual) && actual.length === wanted.length && wanted.every((w, i) => containsDefinition(actual[i], w));
  }
  if (wanted && typeof wanted === "object") {
    if (!actual || typeof actual !== "object") return false;
    return Object.entries(wanted).every(([k, v]) => containsDefinition((actual as Record<string, unknown>)[k], v));
  }
  return actual === wanted;
}

/**
 * Creates or updates the PMS tools on one Vapi assistant, matched by function name among the tools the
 * assistant references. Idempotent: a second run finds everything in place and writes nothing.
 */
export async function syncAssistantTools(api: VapiApi, assistantId: string, tools: VapiFunctionTool[]): Promise<SyncReport> {
  const assistant = await api.getAssistant(assistantId);
  if (!assistant.model) throw new Error("The assistant has no model configured; set one in the Vapi dashboard first.");
  const toolIds = assistant.model.toolIds ?? [];
  const existing = (await Promise.all(toolIds.map((id) => api.getTool(id)))).filter((t): t is VapiTool => t !== null);
  const byName = new Map(existing.flatMap((t) => (t.type === "function" && t.function?.name ? [[t.function.name, t] as const] : [])));

  const report: SyncReport = { created: [], updated: [], unchanged: [], assistantUpdated: false };
  const newIds: string[] = [];
  for (const tool of tools) {
    const name = tool.function.name;
    const current = byName.get(name);
    if (!current) {
      const created = await api.createTool(tool);
      newIds.push(created.id);
      report.created.push(name);
    } else if (!containsDefinition(current, tool)) {
      const { type: _type, ...patch } = tool; // a tool's type cannot change
      await api.updateTool(current.id, patch);
      report.updated.push(name);
    } else {
      report.unchanged.push(name);
    }
  }
  if (newIds.length > 0) {
    await api.updateAssistant(assistantId, { model: { ...assistant.model, toolIds: [...toolIds, ...newIds] } });
    report.assistantUpdated = true;
  }
  return report;
}
