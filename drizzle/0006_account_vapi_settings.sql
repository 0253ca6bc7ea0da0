ALTER TABLE `accounts` ADD `front_desk_number` text;--> statement-breakpoint
ALTER TABLE `accounts` ADD `phone_payments` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `accounts` ADD `allow_prepayment` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `accounts` ADD `rest_caller_gate` integer DEFAULT true NOT NULL;