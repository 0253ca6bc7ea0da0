/** The writeback id of a NexHealth write: bound to the institution, so an event can only settle its own. */
export const appointmentWriteId = (subdomain: string, appointmentId: string | number) => `${subdomain}:appointment:${appointmentId}`;
export const paymentWriteId = (subdomain: string, transactionId: string) => `${subdomain}:payment:${transactionId}`;
