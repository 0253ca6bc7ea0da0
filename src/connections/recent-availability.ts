import { DelegatingConnector } from "../connectors/delegating-connector";
import type { PmsConnector, PmsResult, SlotSearch } from "../connectors/types";
import type { PracticeSettings } from "../domain/practice";
import type { SlotQuery } from "../domain/slot";

const MAX_ANSWERS = 1_000;

type Remembered = { at: number; generation: number; answer: PmsResult<SlotSearch> };

/**
 * Availability answers of the last few seconds (`AVAILABILITY_REUSE_MS`, 2 s by default), per practice
 * and question. Many callers of one practice ask about the same days at once; the answer is the same
 * until the schedule changes. A booking, move or cancellation made through this instance forgets the
 * practice's answers at once; one made through another instance (or at the front desk) shows within
 * those seconds. Only answers are kept, never
 * failures, and a booking still checks its slot atomically, so a reused answer can offer a time that was
 * just taken but never book it twice.
 */
export class RecentAvailability {
  private readonly answers = new Map<string, Remembered>();
  private readonly generations = new Map<string, number>();

  constructor(
    private readonly reuseMs: number,
    private readonly now: () => number,
  ) {}

  private generation(accountId: string) {
    return this.generations.get(accountId) ?? 0;
  }

  /** The schedule of a practice changed through this instance: its answers are not reused. */
  forget(accountId: string) {
    this.generations.set(accountId, this.generation(accountId) + 1);
  }

  async answer(accountId: string, query: SlotQuery, ask: () => Promise<PmsResult<SlotSearch>>): Promise<PmsResult<SlotSearch>> {
    const key = `${accountId}\n${query.startDate}\n${query.endDate}\n${query.durationMinutes}\n${query.appointmentType ?? ""}\n${query.providerId ?? ""}\n${query.partOfDay ?? ""}\n${query.limit}`;
    const generation = this.generation(accountId);
    const known = this.answers.get(key);
    // A clock that went back (age below zero) proves nothing about freshness: ask again.
    const age = known ? this.now() - known.at : -1;
    if (known && known.generation === generation && age >= 0 && age < this.reuseMs) return known.answer;
    const answer = await ask();
    if (answer.ok && this.generation(accountId) === generation) {
      if (this.answers.size >= MAX_ANSWERS) this.answers.clear();
      this.answers.set(key, { at: this.now(), generation, answer });
    }
    return answer;
  }

  /** The clinic's connector with its availability answers reused and forgotten on its own writes. */
  wrap(practice: PracticeSettings, connector: PmsConnector): PmsConnector {
    return this.reuseMs > 0 ? new RememberingConnector(connector, practice.accountId, this) : connector;
  }
}

class RememberingConnector extends DelegatingConnector {
  constructor(
    live: PmsConnector,
    private readonly accountId: string,
    private readonly recent: RecentAvailability,
  ) {
    super(live);
  }

  override findSlots(query: SlotQuery) {
    return this.recent.answer(this.accountId, query, () => this.live.findSlots(query));
  }

  private async writing<T>(write: Promise<T>): Promise<T> {
    try {
      return await write;
    } finally {
      this.recent.forget(this.accountId);
    }
  }

  override bookAppointment(request: Parameters<PmsConnector["bookAppointment"]>[0]) {
    return this.writing(this.live.bookAppointment(request));
  }
  override rescheduleAppointment(request: Parameters<PmsConnector["rescheduleAppointment"]>[0]) {
    return this.writing(this.live.rescheduleAppointment(request));
  }
  override cancelAppointment(request: Parameters<PmsConnector["cancelAppointment"]>[0]) {
    return this.writing(this.live.cancelAppointment(request));
  }
}
