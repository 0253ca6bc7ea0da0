CREATE TABLE `call_reports` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`account_id` text NOT NULL,
	`call_id` text NOT NULL,
	`ended_reason` text,
	`duration_seconds` integer,
	`summary` text,
	`patient_ids` text NOT NULL,
	`summary_note_id` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `call_reports_account_call` ON `call_reports` (`account_id`,`call_id`);--> statement-breakpoint
CREATE TABLE `call_verifications` (
	`account_id` text NOT NULL,
	`call_id` text NOT NULL,
	`patient_id` text NOT NULL,
	`method` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')) NOT NULL,
	PRIMARY KEY(`account_id`, `call_id`, `patient_id`)
);
--> statement-breakpoint
ALTER TABLE `accounts` ADD `call_summary_notes` integer DEFAULT false NOT NULL;