CREATE TABLE `events` (
	`seq` integer PRIMARY KEY NOT NULL,
	`run_id` text NOT NULL,
	`status` text NOT NULL,
	`at` integer NOT NULL,
	`record_hash` text NOT NULL,
	`prev_hash` text,
	`hash` text NOT NULL
);
--> statement-breakpoint
CREATE TABLE `runs` (
	`id` text PRIMARY KEY NOT NULL,
	`seq` integer NOT NULL,
	`status` text NOT NULL,
	`address` text NOT NULL,
	`user_id` text NOT NULL,
	`created_at` integer NOT NULL,
	`record` text NOT NULL,
	`input` text,
	`idempotency_key` text
);
--> statement-breakpoint
CREATE INDEX `runs_seq` ON `runs` (`seq`);--> statement-breakpoint
CREATE INDEX `runs_status` ON `runs` (`status`);--> statement-breakpoint
CREATE INDEX `runs_address` ON `runs` (`address`);--> statement-breakpoint
CREATE INDEX `runs_user` ON `runs` (`user_id`);--> statement-breakpoint
CREATE INDEX `runs_idem` ON `runs` (`idempotency_key`);