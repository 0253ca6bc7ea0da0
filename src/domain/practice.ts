import { type Static, Type } from "@sinclair/typebox";

/**
 * A clinic's practice settings, declared once as TypeBox schemas: the admin API validates with them,
 * the database columns are typed from them, and connectors read them.
 */
const ClockTime = Type.String({ pattern: "^([01][0-9]|2[0-3]):[0-5][0-9]$", description: "HH:MM, clinic-local" });
/** One opening interval: [opens, closes]. */
export const OpeningInterval = Type.Tuple([ClockTime, ClockTime]);
const DayHours = Type.Array(OpeningInterval, { maxItems: 6 });

export const OfficeHoursSchema = Type.Object(
  {
    mon: Type.Optional(DayHours),
    tue: Type.Optional(DayHours),
    wed: Type.Optional(DayHours),
    thu: Type.Optional(DayHours),
    fri: Type.Optional(DayHours),
    sat: Type.Optional(DayHours),
    sun: Type.Optional(DayHours),
  },
  {
    additionalProperties: false,
    examples: [
      {
        mon: [
          ["08:00", "12:00"],
          ["13:00", "17:00"],
        ],
      },
    ],
  },
);
export type OfficeHours = Static<typeof OfficeHoursSchema>;
export type Weekday = keyof OfficeHours;

export const AppointmentTypeSettingSchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 40, pattern: "^[a-z0-9][a-z0-9_-]*$" }),
  durationMinutes: Type.Integer({ minimum: 5, maximum: 480 }),
});
export type AppointmentTypeSetting = Static<typeof AppointmentTypeSettingSchema>;

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
