import { sqliteTable, text } from "drizzle-orm/sqlite-core";
import { accounts } from "./accounts";
import { timestamps } from "./columns";

/** One PMS connection per clinic; credentials are AES-256-GCM ciphertext bound to the account id. */
export const pmsIntegrations = sqliteTable("pms_integrations", {
  accountId: text("account_id")
    .primaryKey()
    .references(() => accounts.id),
  provider: text("provider").notNull(),
  credentialsCiphertext: text("credentials_ciphertext").notNull(),
  keyId: text("key_id").notNull(),
  ...timestamps,
});
