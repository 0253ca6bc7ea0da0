CREATE TABLE `pms_tokens` (
	`account_id` text PRIMARY KEY NOT NULL,
	`provider` text NOT NULL,
	`key_id` text NOT NULL,
	`ciphertext` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `pms_writebacks` (
	`reference` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`provider` text NOT NULL,
	`writeback_id` text NOT NULL,
	`action` text NOT NULL,
	`patient_id` text,
	`status` text NOT NULL,
	`created_id` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')) NOT NULL,
	`completed_at` text
);
--> statement-breakpoint
CREATE INDEX `pms_writebacks_status` ON `pms_writebacks` (`status`,`created_at`);