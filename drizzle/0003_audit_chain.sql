ALTER TABLE `pms_audit_logs` ADD `prev_hash` text;--> statement-breakpoint
ALTER TABLE `pms_audit_logs` ADD `hash` text;--> statement-breakpoint
ALTER TABLE `pms_audit_logs` ADD `chain_key_id` text;