CREATE TABLE `gateway_instances` (
	`id` text PRIMARY KEY NOT NULL,
	`started_at` integer NOT NULL,
	`heartbeat_at` integer NOT NULL
);
--> statement-breakpoint
ALTER TABLE `pms_writebacks` ADD `lease_owner` text;--> statement-breakpoint
ALTER TABLE `pms_writebacks` ADD `lease_until` integer DEFAULT 0 NOT NULL;