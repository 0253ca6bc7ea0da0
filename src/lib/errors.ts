/**
 * The one error vocabulary of the gateway: every failure anywhere (HTTP, tool calls, operations) is one
 * of these codes. Codes are stable, messages are for people. The HTTP status belongs to the code.
 */
export const errorStatus = {
  VALIDATION: 400,
  ACCOUNT_REQUIRED: 400,
  CARD_DATA_NOT_ALLOWED: 400,
  UNAUTHORIZED: 401,
  FORBIDDEN: 403,
  ACCOUNT_MISMATCH: 403,
  VERIFICATION_REQUIRED: 403,
  NOT_FOUND: 404,
  ACCOUNT_NOT_FOUND: 404,
  PATIENT_NOT_FOUND: 404,
  APPOINTMENT_NOT_FOUND: 404,
  UNKNOWN_TOOL: 404,
  SLOT_UNAVAILABLE: 409,
  IDEMPOTENCY_IN_PROGRESS: 409,
  PAYLOAD_TOO_LARGE: 413,
  IDEMPOTENCY_KEY_REUSED: 422,
  RATE_LIMITED: 429,
  INTERNAL: 500,
  UNSUPPORTED_BY_PMS: 501,
  PMS_ERROR: 502,
  PMS_UNAVAILABLE: 503,
  PMS_TIMEOUT: 504,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export class AppError extends Error {
  override name = "AppError";
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
    /** True when the operation already wrote its audit row, so the error path must not write a second. */
    readonly audited = false,
  ) {
    super(message);
    this.status = errorStatus[code];
  }
}

/** Every 401 says the same thing, whatever failed, so a prober learns nothing from it. */
export const unauthorized = () => new AppError("UNAUTHORIZED", "Missing or invalid credentials.");
