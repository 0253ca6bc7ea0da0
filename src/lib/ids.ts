const prefixes = { account: "acc", request: "req", reference: "ref", hold: "hold" } as const;
export type IdKind = keyof typeof prefixes;

const alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
const ID_LENGTH = 16;

/**
 * Random bytes drawn from the system's generator 4 KiB at a time: every request takes an id, and one
 * draw per id cost more than the rest of making it. Each byte is used once.
 */
const pool = new Uint8Array(4096);
let next = pool.length;

/** Prefixed, unguessable id such as `acc_7x2k…` (16 random base32 characters = 80 bits). */
export function newId(kind: IdKind): string {
  if (next + ID_LENGTH > pool.length) {
    crypto.getRandomValues(pool);
    next = 0;
  }
  let out = "";
  for (let i = next; i < next + ID_LENGTH; i++) out += alphabet[(pool[i] ?? 0) & 31];
  next += ID_LENGTH;
  return `${prefixes[kind]}_${out}`;
}
