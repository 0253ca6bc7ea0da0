DROP INDEX `pms_audit_logs_account_created`;--> statement-breakpoint
DROP INDEX `pms_audit_logs_created_action`;--> statement-breakpoint
CREATE INDEX `pms_audit_logs_account_created` ON `pms_audit_logs` (`account_id`,`created_at`,`action`,`error_code`,`success`,`phi_accessed`,`response_time`,`patient_id`);--> statement-breakpoint
CREATE INDEX `pms_audit_logs_created_action` ON `pms_audit_logs` (`created_at`,`action`,`error_code`,`success`,`phi_accessed`,`response_time`,`patient_id`);