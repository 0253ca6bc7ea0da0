import { type Static, Type } from "@sinclair/typebox";

/** Minimum necessary: the carrier and the last four of the member id, never the full id. */
export const InsurancePlanSchema = Type.Object({
  carrier: Type.String(),
  memberIdLast4: Type.Union([Type.String(), Type.Null()]),
  groupNumber: Type.Union([Type.String(), Type.Null()]),
  relationship: Type.Union(["self", "spouse", "child", "other"].map((v) => Type.Literal(v))),
  priority: Type.Union([Type.Literal("primary"), Type.Literal("secondary")]),
});
export type InsurancePlan = Static<typeof InsurancePlanSchema>;

export const last4 = (memberId: string | null | undefined): string | null => (memberId ? memberId.replace(/\s+/g, "").slice(-4) : null);
