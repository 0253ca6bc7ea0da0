import type { AppointmentTypeSetting, OfficeHours, Weekday } from "../db/schema";

export type { AppointmentTypeSetting, OfficeHours, Weekday };

/** What a connector needs to know about the clinic it serves (from the account settings). */
export type PracticeSettings = {
  accountId: string;
  timezone: string;
  currency: string;
  officeHours: OfficeHours;
  defaultDurationMinutes: number;
  slotStepMinutes: number;
  appointmentTypes: AppointmentTypeSetting[];
};

export const WEEKDAYS: Weekday[] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

export const DEFAULT_OFFICE_HOURS: OfficeHours = {
  mon: [["08:00", "17:00"]],
  tue: [["08:00", "17:00"]],
  wed: [["08:00", "17:00"]],
  thu: [["08:00", "17:00"]],
  fri: [["08:00", "17:00"]],
};

export const DEFAULT_APPOINTMENT_TYPES: AppointmentTypeSetting[] = [
  { name: "cleaning", durationMinutes: 60 },
  { name: "exam", durationMinutes: 30 },
  { name: "emergency", durationMinutes: 30 },
  { name: "consultation", durationMinutes: 30 },
];
