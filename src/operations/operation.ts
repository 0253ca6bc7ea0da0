import type { TObject } from "@sinclair/typebox";
import type { ConnectorError, PmsConnector } from "../connectors/types";
import type { PracticeSettings } from "../domain/practice";
import type { Clock } from "../lib/clock";
import type { ErrorCode } from "../lib/errors";
import { err, type Result } from "../lib/result";

export type OperationContext = {
  practice: PracticeSettings;
  connector: PmsConnector;
  clock: Clock;
  /** The key this write is deduplicated under (tool-call id, Idempotency-Key or write intent), if any. */
  requestKey: string | null;
};

export type OperationSuccess = {
  data: Record<string, unknown>;
  /** One short sentence a voice agent can say as is. */
  summary: string;
  /** The patient this operation touched, for the audit row (never a name or other PHI). */
  patientId: string | null;
};

export type OperationFailure = { code: ErrorCode; message: string };
export type OperationResult = Result<OperationSuccess, OperationFailure>;

/**
 * One PMS operation, defined once: its argument schema validates the REST route and (later) the Vapi
 * tool, and `run` holds the vendor-neutral logic over a connector.
 */
export interface Operation<Input extends TObject = TObject, Name extends string = string> {
  /** The Vapi tool name and the audit action: snake_case, unique in the registry. */
  name: Name;
  /** Short title for the OpenAPI explorer. */
  title: string;
  /** What it does and when to use it, written for a person and for the model. */
  description: string;
  input: Input;
  /** Changes the PMS: idempotent per key, and never retried blindly. */
  write: boolean;
  /** Reads or changes patient data (PHI) when it succeeds. */
  phi: boolean;
  successStatus: 200 | 201;
  /**
   * What a caller on a Vapi call must have proved before this runs: that the patient is them
   * (`patient`, from `patientId`), that the appointment is theirs (`appointment`), or nothing.
   */
  gate: "patient" | "appointment" | "none";
  /**
   * The REST route under /api/pms. GET takes the arguments from the query; other methods from the body.
   * `pathParam` names the argument carried in the path's `:id`; `queryFallback` an argument a POST also
   * accepts as a query parameter.
   */
  rest: { method: "GET" | "POST" | "PATCH" | "DELETE"; path: string; pathParam?: "patientId"; queryFallback?: "query" };
  /** The schema of `data` on success (REST response, OpenAPI document). */
  output: TObject;
  /** The OpenAPI group. */
  tag: "Appointments" | "Patients";
  /** How the assistant behaves around this tool: what it says while waiting, and extra guidance. */
  vapi: { startMessage: string; modelNote?: string };
  /**
   * What makes two writes in one call "the same request" even under different tool-call ids (a model
   * re-asking after a slow answer must not book, charge or register twice). `at` reads a time in the
   * clinic's zone, `low` folds case and spaces.
   */
  intent?: (args: Input["static"], at: (v: unknown) => string, low: (v: unknown) => string) => string;
  /** Example arguments, shown in the OpenAPI document (request body or parameters). */
  example: Input["static"];
  run(ctx: OperationContext, args: Input["static"]): Promise<OperationResult>;
}

export const defineOperation = <Input extends TObject, const Name extends string>(op: Operation<Input, Name>): Operation<Input, Name> => op;

const connectorCodes: Record<ConnectorError["code"], ErrorCode> = {
  patient_not_found: "PATIENT_NOT_FOUND",
  appointment_not_found: "APPOINTMENT_NOT_FOUND",
  slot_unavailable: "SLOT_UNAVAILABLE",
  invalid_request: "VALIDATION",
  unavailable: "PMS_UNAVAILABLE",
  timeout: "PMS_TIMEOUT",
  unsupported: "UNSUPPORTED_BY_PMS",
  auth_failed: "PMS_UNAVAILABLE",
  upstream_error: "PMS_ERROR",
};

export const failureOf = (e: ConnectorError): OperationFailure => ({ code: connectorCodes[e.code], message: e.message });

export const fromConnector = (e: ConnectorError): Result<never, OperationFailure> => err(failureOf(e));

export const invalid = (message: string): Result<never, OperationFailure> => err({ code: "VALIDATION", message });
