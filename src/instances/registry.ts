import { eq, gt, lt, sql } from "drizzle-orm";
import type { Database } from "../db/client";
import { gatewayInstances } from "../db/schema";
import type { Clock } from "../lib/clock";

/** An instance is live while its heartbeat is younger than this (three missed beats). */
export const LIVE_WITHIN_MS = 15_000;
export const HEARTBEAT_EVERY_MS = 5_000;

/**
 * The instances running on one database, each with a heartbeat. Limits that must hold for the whole
 * service (per clinic, per address) are shared out among the live ones: each enforces limit ÷ live.
 */
export class InstanceRegistry {
  readonly id = `inst_${crypto.randomUUID().slice(0, 12)}`;
  private live = 1;

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  /** How many instances are live, as of the last heartbeat (at least this one). */
  get liveCount(): number {
    return this.live;
  }

  /** Records this instance's heartbeat, forgets long-dead ones, and recounts the live ones. */
  async heartbeat(): Promise<number> {
    const now = this.clock.now().getTime();
    await this.db
      .insert(gatewayInstances)
      .values({ id: this.id, startedAt: now, heartbeatAt: now })
      .onConflictDoUpdate({ target: gatewayInstances.id, set: { heartbeatAt: now } });
    await this.db.delete(gatewayInstances).where(lt(gatewayInstances.heartbeatAt, now - 10 * LIVE_WITHIN_MS));
    const [row] = await this.db
      .select({ n: sql<number>`count(*)` })
      .from(gatewayInstances)
      .where(gt(gatewayInstances.heartbeatAt, now - LIVE_WITHIN_MS));
    this.live = Math.max(1, Number(row?.n ?? 1));
    return this.live;
  }

  /** On a clean stop: the others take over this instance's share at their next heartbeat. */
  async leave(): Promise<void> {
    await this.db.delete(gatewayInstances).where(eq(gatewayInstances.id, this.id));
  }
}
