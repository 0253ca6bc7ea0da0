import { type Static, Type } from "@sinclair/typebox";

export const NoteSchema = Type.Object({
  id: Type.Union([Type.String(), Type.Null()]),
  patientId: Type.String(),
  createdAt: Type.String(),
  confirmation: Type.Optional(Type.Literal("pending")),
  reference: Type.Optional(Type.String()),
});
export type Note = Static<typeof NoteSchema>;

export type NewNote = { patientId: string; text: string; type: string };
