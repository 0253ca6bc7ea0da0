CREATE TABLE `schedule_mirror_bookings` (
	`account_id` text NOT NULL,
	`appointment_id` text NOT NULL,
	`patient_id` text,
	`provider_id` text,
	`operatory_id` text,
	`start_ms` integer NOT NULL,
	`end_ms` integer NOT NULL,
	PRIMARY KEY(`account_id`, `appointment_id`)
);
--> statement-breakpoint
CREATE INDEX `schedule_mirror_bookings_time` ON `schedule_mirror_bookings` (`account_id`,`start_ms`);--> statement-breakpoint
CREATE TABLE `schedule_mirrors` (
	`account_id` text PRIMARY KEY NOT NULL,
	`provider` text NOT NULL,
	`practice_key` text DEFAULT '' NOT NULL,
	`frame` text,
	`window_from` text,
	`window_to` text,
	`synced_at` integer,
	`full_synced_at` integer,
	`frame_synced_at` integer,
	`last_error` text,
	`next_refresh_at` integer DEFAULT 0 NOT NULL,
	`lease_owner` text,
	`lease_until` integer DEFAULT 0 NOT NULL
);
