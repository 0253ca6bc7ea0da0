import { type Static, Type } from "@sinclair/typebox";

/** Per-clinic Sikka credentials (write-only, stored sealed): exactly one office and one practice. */
export const SikkaCredentialsSchema = Type.Object(
  {
    officeId: Type.String({ minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9_-]+$" }),
    secretKey: Type.String({ minLength: 1, maxLength: 256 }),
    practiceId: Type.String({ minLength: 1, maxLength: 32, pattern: "^[A-Za-z0-9_-]+$" }),
    custId: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: "^[A-Za-z0-9_-]+$" })),
  },
  { additionalProperties: false },
);
export type SikkaCredentials = Static<typeof SikkaCredentialsSchema>;

/** The app's own credentials (Sikka's app_id / app_key) and where the API lives. */
export type SikkaAppConfig = { appId?: string; appKey?: string; apiUrl: string };
