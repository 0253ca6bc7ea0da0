export * from "./accounts";
export * from "./audit-logs";
export * from "./idempotency-keys";
export * from "./pms-integrations";
export * from "./sandbox";
export * from "./calls";
export * from "./pms-writebacks";
export * from "./audit-checkpoints";
