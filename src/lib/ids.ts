const prefixes = { account: "acc", request: "req", reference: "ref", hold: "hold" } as const;
export type IdKind = keyof typeof prefixes;

const alphabet = "0123456789abcdefghjkmnpqrstvwxyz";

/** Prefixed, unguessable id such as `acc_7x2k…` (16 random base32 characters = 80 bits). */
export function newId(kind: IdKind): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  let out = "";
  for (const b of bytes) out += alphabet[b & 31];
  return `${prefixes[kind]}_${out}`;
}
