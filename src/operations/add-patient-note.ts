import { t } from "elysia";
import { NoteSchema } from "../domain/note";
import { defineOperation, fromConnector } from "./operation";
import { PatientId } from "./schema-parts";

export const NoteResult = t.Object({ note: NoteSchema });

export const addPatientNote = defineOperation({
  name: "add_patient_note",
  title: "Add a note to a patient",
  description: "Adds a short note to the patient's record for the office staff (no card numbers).",
  input: t.Object({
    patientId: PatientId,
    text: t.String({ minLength: 1, maxLength: 2000, pattern: "\\S" }),
    type: t.Optional(t.String({ minLength: 1, maxLength: 40, pattern: "^[a-z0-9_-]+$", default: "general" })),
  }),
  write: true,
  phi: true,
  successStatus: 201,
  gate: "patient",
  rest: { method: "POST", path: "/patients/:id/notes", pathParam: "patientId" },
  output: NoteResult,
  tag: "Patients",
  vapi: { startMessage: "I'll make a note of that.", modelNote: "Only for the patient verified in this call." },
  intent: (args, _at, low) => `note:${args.patientId}:${low(args.text)}`,
  example: { patientId: "1", text: "Prefers morning appointments." },
  async run({ connector }, args) {
    const added = await connector.addNote({ patientId: args.patientId, text: args.text.trim(), type: args.type ?? "general" });
    if (!added.ok) return fromConnector(added.error);
    return {
      ok: true,
      value: { data: { note: added.value }, summary: "The note was added to the patient's record.", patientId: args.patientId },
    };
  },
});
