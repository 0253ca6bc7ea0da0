CREATE TABLE `pms_webhook_events` (
	`provider` text NOT NULL,
	`dedupe_key` text NOT NULL,
	`event` text NOT NULL,
	`settled` integer NOT NULL,
	`received_at` text DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')) NOT NULL,
	PRIMARY KEY(`provider`, `dedupe_key`)
);
