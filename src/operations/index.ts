import { addPatientNote } from "./add-patient-note";
import { bookAppointment } from "./book-appointment";
import { cancelAppointment } from "./cancel-appointment";
import { checkAvailability } from "./check-availability";
import { createPatient } from "./create-patient";
import { getPatient } from "./get-patient";
import { getPatientBalance } from "./get-patient-balance";
import { getPatientInsurance } from "./get-patient-insurance";
import type { Operation } from "./operation";
import { processPayment } from "./process-payment";
import { rescheduleAppointment } from "./reschedule-appointment";
import { searchPatients } from "./search-patients";

/** The PMS operations, keyed by their tool name: the one registry that routes, tools and the OpenAPI document are generated from. */
export const operations = {
  check_availability: checkAvailability,
  book_appointment: bookAppointment,
  reschedule_appointment: rescheduleAppointment,
  cancel_appointment: cancelAppointment,
  search_patients: searchPatients,
  get_patient: getPatient,
  create_patient: createPatient,
  add_patient_note: addPatientNote,
  get_patient_balance: getPatientBalance,
  get_patient_insurance: getPatientInsurance,
  process_payment: processPayment,
} as const;

/** The tool names: the registry's keys. */
export type ToolName = keyof typeof operations;
export type AnyOperation = (typeof operations)[ToolName];

// Each registry key is its operation's own name (checked by the compiler).
// biome-ignore lint/suspicious/noExplicitAny: each operation has its own argument type; this checks names only.
operations satisfies { [K in ToolName]: Operation<any, K> };
