/** Who is calling, as proven by a credential. */
export type Principal = { kind: "vapi"; scheme: "hmac" | "secret" | "bearer" } | { kind: "clinic"; accountId: string } | { kind: "admin" };

export type Actor = "vapi" | "clinic" | "admin";
