import { type Static, Type } from "@sinclair/typebox";

/** One clinic = one NexHealth institution (subdomain) and one of its locations. */
export const NexHealthCredentialsSchema = Type.Object(
  {
    subdomain: Type.String({ minLength: 1, maxLength: 100, pattern: "^[a-z0-9][a-z0-9-]*$" }),
    locationId: Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: "^[0-9]{1,12}$" })]),
    /** Learned at onboarding from `sync_status`: which PMS the location runs (gates what it can do). */
    emr: Type.Optional(Type.String({ maxLength: 80 })),
  },
  { additionalProperties: false },
);
export type NexHealthCredentials = Static<typeof NexHealthCredentialsSchema>;

export type NexHealthAppConfig = { apiKey?: string; apiUrl: string; publicUrl: string };
