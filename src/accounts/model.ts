import { t } from "elysia";
import { AppointmentTypeSettingSchema, OfficeHoursSchema } from "../domain/practice";

/** The admin API's view of the practice settings declared in the domain. */
export const OfficeHoursModel = OfficeHoursSchema;
const AppointmentTypeModel = AppointmentTypeSettingSchema;

const VapiId = t.String({ minLength: 1, maxLength: 100 });
const E164 = t.String({ pattern: "^\\+[1-9][0-9]{6,14}$", description: "E.164, e.g. +12025550100", examples: ["+12025550100"] });

const accountFields = {
  name: t.String({ minLength: 1, maxLength: 200 }),
  timezone: t.String({ minLength: 1, maxLength: 64, description: "IANA time zone, e.g. America/New_York" }),
  currency: t.String({ pattern: "^[A-Z]{3}$", default: "USD" }),
  officeHours: OfficeHoursModel,
  defaultDurationMinutes: t.Integer({ minimum: 5, maximum: 480 }),
  slotStepMinutes: t.Integer({ minimum: 5, maximum: 120 }),
  appointmentTypes: t.Array(AppointmentTypeModel, { minItems: 1, maxItems: 50 }),
  vapiPhoneNumberIds: t.Array(VapiId, { maxItems: 50 }),
  vapiAssistantIds: t.Array(VapiId, { maxItems: 50 }),
  vapiPhoneNumbers: t.Array(E164, { maxItems: 50, description: "E.164 numbers of the clinic's Vapi lines (calls naming only the number)" }),
  frontDeskNumber: t.Union([E164, t.Null()], { description: "Where the assistant transfers a caller who asks for a person" }),
  enabled: t.Boolean(),
  callSummaryNotes: t.Boolean({ description: "Write each call's summary as a PMS note on the verified patient" }),
  phonePayments: t.Boolean({ description: "Allow process_payment on the Vapi server URL (card payments need a payment token)" }),
  allowPrepayment: t.Boolean({ description: "Allow a phone payment above the patient's current balance due" }),
  restCallerGate: t.Boolean({ description: "Apply the caller-verification gate to REST requests made with a Vapi credential" }),
};

export const CreateAccountBody = t.Object(
  {
    name: accountFields.name,
    timezone: accountFields.timezone,
    currency: t.Optional(accountFields.currency),
    officeHours: t.Optional(accountFields.officeHours),
    defaultDurationMinutes: t.Optional(accountFields.defaultDurationMinutes),
    slotStepMinutes: t.Optional(accountFields.slotStepMinutes),
    appointmentTypes: t.Optional(accountFields.appointmentTypes),
    vapiPhoneNumberIds: t.Optional(accountFields.vapiPhoneNumberIds),
    vapiAssistantIds: t.Optional(accountFields.vapiAssistantIds),
    vapiPhoneNumbers: t.Optional(accountFields.vapiPhoneNumbers),
    frontDeskNumber: t.Optional(accountFields.frontDeskNumber),
    callSummaryNotes: t.Optional(accountFields.callSummaryNotes),
    phonePayments: t.Optional(accountFields.phonePayments),
    allowPrepayment: t.Optional(accountFields.allowPrepayment),
    restCallerGate: t.Optional(accountFields.restCallerGate),
  },
  { additionalProperties: false },
);

export const UpdateAccountBody = t.Partial(t.Object(accountFields), { additionalProperties: false });

export const AccountModel = t.Object({
  id: t.String(),
  ...accountFields,
  pms: t.Union([
    t.Object({ provider: t.String(), configured: t.Literal(true), updatedAt: t.String() }),
    t.Object({ provider: t.Null(), configured: t.Literal(false), updatedAt: t.Null() }),
  ]),
  createdAt: t.String(),
  updatedAt: t.String(),
});

export type CreateAccountInput = typeof CreateAccountBody.static;
export type UpdateAccountInput = typeof UpdateAccountBody.static;
