import type { PmsConnector } from "./types";

type Live = PmsConnector;

/**
 * A connector that passes every operation to another one: the base of the wrappers the gateway puts
 * around a clinic's connector (the schedule mirror, recent availability answers), each overriding only
 * what it changes. The background writeback checks use the clinic's connector itself, not a wrapper.
 */
export class DelegatingConnector implements PmsConnector {
  constructor(protected readonly live: Live) {}

  findSlots(query: Parameters<Live["findSlots"]>[0]) {
    return this.live.findSlots(query);
  }
  bookAppointment(request: Parameters<Live["bookAppointment"]>[0]) {
    return this.live.bookAppointment(request);
  }
  rescheduleAppointment(request: Parameters<Live["rescheduleAppointment"]>[0]) {
    return this.live.rescheduleAppointment(request);
  }
  getAppointment(appointmentId: string) {
    return this.live.getAppointment(appointmentId);
  }
  cancelAppointment(request: Parameters<Live["cancelAppointment"]>[0]) {
    return this.live.cancelAppointment(request);
  }
  searchPatients(search: Parameters<Live["searchPatients"]>[0]) {
    return this.live.searchPatients(search);
  }
  getPatient(patientId: string) {
    return this.live.getPatient(patientId);
  }
  createPatient(patient: Parameters<Live["createPatient"]>[0]) {
    return this.live.createPatient(patient);
  }
  addNote(note: Parameters<Live["addNote"]>[0]) {
    return this.live.addNote(note);
  }
  getBalance(patientId: string) {
    return this.live.getBalance(patientId);
  }
  getInsurance(patientId: string) {
    return this.live.getInsurance(patientId);
  }
  postPayment(payment: Parameters<Live["postPayment"]>[0]) {
    return this.live.postPayment(payment);
  }
}
