import type { ErrorCode } from "../lib/errors";

/** The JSON body of every failure on HTTP. */
export type ErrorBody = { error: { code: ErrorCode; message: string; requestId: string } };

export const errorBody = (code: ErrorCode, message: string, requestId: string): ErrorBody => ({
  error: { code, message, requestId },
});
