export * from "./accounts";
export * from "./audit-checkpoints";
export * from "./audit-logs";
export * from "./calls";
export * from "./idempotency-keys";
export * from "./pms-integrations";
export * from "./pms-writebacks";
export * from "./sandbox";
