/** The tables whose values are sealed with the credentials vault. */
export type SealedTable = "pms_integrations" | "pms_tokens";

/**
 * The associated data a sealed value is bound to: its table and its row's key, so a ciphertext copied
 * to another row (or table) does not open. Sealing, opening and key rotation all bind through this.
 */
export const sealedBinding = (table: SealedTable, rowKey: string) => `${table}:${rowKey}`;
