import { type TSchema, t } from "elysia";

export const ErrorEnvelope = t.Object(
  {
    error: t.Object({
      code: t.String({ description: "Stable error code, e.g. PATIENT_NOT_FOUND" }),
      message: t.String(),
      requestId: t.String(),
    }),
  },
  { description: "Error envelope" },
);

/** The success envelope: the result plus one short sentence a voice agent can say. */
export const success = <T extends TSchema>(data: T) => t.Object({ data, summary: t.String({ description: "One short sentence a voice agent can say" }) });
