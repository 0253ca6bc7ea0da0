import { and, eq } from "drizzle-orm";
import type { AuditLog } from "../audit/audit-log";
import type { WebhookDelivery } from "../connectors/types";
import type { Database } from "../db/client";
import { pmsWebhookEvents } from "../db/schema";
import type { Logger } from "../lib/logger";
import { WritebackSettler } from "./settle";
import type { WritebackStore } from "./store";

export type InboxResult = { duplicate: boolean; settled: number };

/**
 * Applies verified vendor events to the pending writes they name. Idempotent: the event is recorded
 * after its writes are settled (settling twice changes nothing), so a crash in between is repaired by
 * the vendor's redelivery, and a redelivery after that is answered "duplicate".
 */
export class WebhookInbox {
  private readonly settler: WritebackSettler;

  constructor(private readonly deps: { db: Database; store: WritebackStore; audit: AuditLog; logger: Logger }) {
    this.settler = new WritebackSettler(deps);
  }

  async apply(provider: string, delivery: WebhookDelivery): Promise<InboxResult> {
    const started = performance.now();
    if (delivery.dedupeKey) {
      const [seen] = await this.deps.db
        .select()
        .from(pmsWebhookEvents)
        .where(and(eq(pmsWebhookEvents.provider, provider), eq(pmsWebhookEvents.dedupeKey, delivery.dedupeKey)));
      if (seen) return { duplicate: true, settled: 0 };
    }
    let settled = 0;
    for (const outcome of delivery.outcomes) {
      // Only a write the gateway tracked for this provider under exactly this id: the id carries the
      // vendor's tenant, so an event cannot settle another clinic's write.
      for (const row of await this.deps.store.pendingByWritebackId(provider, outcome.writebackId)) {
        const settlement = outcome.state.state === "completed" ? outcome.state : { state: "failed" as const, slotTaken: outcome.state.slotTaken === true };
        if (await this.settler.settle(row, settlement, started, `webhook:${provider}`)) settled++;
      }
    }
    if (delivery.dedupeKey) {
      await this.deps.db.insert(pmsWebhookEvents).values({ provider, dedupeKey: delivery.dedupeKey, event: delivery.event, settled }).onConflictDoNothing();
    }
    this.deps.logger.info({ provider, event: delivery.event, settled }, "webhook applied");
    return { duplicate: false, settled };
  }
}
