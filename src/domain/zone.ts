import { IANAZone, Zone, type ZoneOffsetFormat, type ZoneOffsetOptions } from "luxon";

const QUARTER_HOUR_MS = 15 * 60_000;
const SIX_HOURS_MS = 6 * 3_600_000;
const DAY_MS = 24 * 3_600_000;

/**
 * An IANA zone whose UTC offsets are computed once and remembered. Asking `Intl` for an offset is the
 * costliest step of building a local time; a clinic's zone is asked thousands of times a second for the
 * same few days. Offsets change only at transitions. A UTC day whose offset is the same at every six
 * hours is remembered whole (no zone in use changes and changes back within six hours); any other day
 * is remembered per quarter hour (transitions fall on quarter hours in every zone in use today), and a
 * quarter hour whose two ends disagree is never remembered, so a transition inside one stays exact.
 */
export class CachedZone extends Zone {
  private readonly zone: IANAZone;
  private readonly offsets = new Map<number, number>();
  /** Per UTC day: its one offset, or null when it changes that day (then asked per quarter hour). */
  private readonly days = new Map<number, number | null>();

  constructor(name: string) {
    super();
    this.zone = IANAZone.create(name);
  }

  override get type() {
    return "iana";
  }
  override get name() {
    return this.zone.name;
  }
  override get isUniversal() {
    return false;
  }
  override get isValid() {
    return this.zone.isValid;
  }
  override offsetName(ts: number, opts: ZoneOffsetOptions) {
    return this.zone.offsetName(ts, opts);
  }
  override formatOffset(ts: number, format: ZoneOffsetFormat) {
    return this.zone.formatOffset(ts, format);
  }
  override equals(other: Zone) {
    return other.type === "iana" && other.name === this.name;
  }

  override offset(ts: number): number {
    const day = Math.floor(ts / DAY_MS);
    let whole = this.days.get(day);
    if (whole === undefined) {
      whole = this.wholeDayOffset(day);
      // Bounded, so a long-running process stays small.
      if (this.days.size > 10_000) this.days.clear();
      this.days.set(day, whole);
    }
    return whole ?? this.quarterHourOffset(ts);
  }

  /** The day's one offset when it is the same at every six hours of the day, else null. */
  private wholeDayOffset(day: number): number | null {
    const start = this.zone.offset(day * DAY_MS);
    for (let at = SIX_HOURS_MS; at < DAY_MS; at += SIX_HOURS_MS) if (this.zone.offset(day * DAY_MS + at) !== start) return null;
    return this.zone.offset((day + 1) * DAY_MS - 1) === start ? start : null;
  }

  private quarterHourOffset(ts: number): number {
    const bucket = Math.floor(ts / QUARTER_HOUR_MS);
    const known = this.offsets.get(bucket);
    if (known !== undefined) return known;
    const start = this.zone.offset(bucket * QUARTER_HOUR_MS);
    const exact = this.zone.offset(ts);
    if (start === exact && start === this.zone.offset((bucket + 1) * QUARTER_HOUR_MS - 1)) {
      if (this.offsets.size > 50_000) this.offsets.clear();
      this.offsets.set(bucket, exact);
    }
    return exact;
  }
}

const zones = new Map<string, CachedZone>();

/** The clinic's zone as a luxon zone with remembered offsets (one instance per name). */
export function zoneOf(name: string): CachedZone {
  let zone = zones.get(name);
  if (!zone) {
    zone = new CachedZone(name);
    zones.set(name, zone);
  }
  return zone;
}

/**
 * Epoch ms of a clinic-local wall-clock time (`YYYY-MM-DD`, `HH:MM`). A time skipped by a DST change
 * moves forward by the change, as luxon does; a time that happens twice takes the earlier instant
 * (luxon's choice there depends on today's offset).
 */
export function localTimeToMs(date: string, clock: string, zone: CachedZone): number {
  const local = Date.UTC(
    Number(date.slice(0, 4)),
    Number(date.slice(5, 7)) - 1,
    Number(date.slice(8, 10)),
    Number(clock.slice(0, 2)),
    Number(clock.slice(3, 5)),
  );
  // The offsets on either side of any change that day.
  const before = zone.offset(local - 14 * 3600_000);
  const after = zone.offset(local + 14 * 3600_000);
  const first = local - before * 60_000;
  const second = local - after * 60_000;
  const firstHolds = zone.offset(first) === before;
  const secondHolds = zone.offset(second) === after;
  if (firstHolds && secondHolds) return Math.min(first, second);
  if (firstHolds) return first;
  if (secondHolds) return second;
  return local - Math.min(before, after) * 60_000;
}
