import { type Static, Type } from "@sinclair/typebox";

export const SlotSchema = Type.Object({
  start: Type.String(),
  end: Type.String(),
  providerId: Type.String(),
  providerName: Type.String(),
  operatoryId: Type.Union([Type.String(), Type.Null()]),
});
export type Slot = Static<typeof SlotSchema>;

/** The widest span of days one availability query may cover. */
export const MAX_RANGE_DAYS = 14;

export type PartOfDay = "morning" | "afternoon" | "evening";

export type SlotQuery = {
  /** First and last local calendar day (inclusive), `YYYY-MM-DD`, in the clinic's time zone. */
  startDate: string;
  endDate: string;
  durationMinutes: number;
  appointmentType: string | null;
  providerId?: string;
  partOfDay?: PartOfDay;
  limit: number;
};
