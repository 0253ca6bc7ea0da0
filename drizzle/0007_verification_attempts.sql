CREATE TABLE `call_verification_attempts` (
	`account_id` text NOT NULL,
	`call_id` text NOT NULL,
	`failures` integer DEFAULT 0 NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')) NOT NULL,
	PRIMARY KEY(`account_id`, `call_id`)
);
