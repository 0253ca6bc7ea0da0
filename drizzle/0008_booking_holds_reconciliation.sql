CREATE TABLE `pms_booking_holds` (
	`id` text PRIMARY KEY NOT NULL,
	`account_id` text NOT NULL,
	`provider_id` text,
	`operatory_id` text,
	`start_ms` integer NOT NULL,
	`end_ms` integer NOT NULL,
	`reference` text,
	`status` text NOT NULL,
	`expires_at` integer NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `pms_booking_holds_account_time` ON `pms_booking_holds` (`account_id`,`start_ms`);--> statement-breakpoint
CREATE INDEX `pms_booking_holds_reference` ON `pms_booking_holds` (`reference`);--> statement-breakpoint
ALTER TABLE `pms_writebacks` ADD `request_fingerprint` text;--> statement-breakpoint
ALTER TABLE `pms_writebacks` ADD `next_check_at` integer DEFAULT 0 NOT NULL;