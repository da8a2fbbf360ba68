CREATE TABLE `signups` (
	`token_hash` text PRIMARY KEY NOT NULL,
	`email` text NOT NULL,
	`password_hash` text NOT NULL,
	`org_name` text NOT NULL,
	`created_at` integer NOT NULL,
	`expires_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `signups_email` ON `signups` (`email`);--> statement-breakpoint
ALTER TABLE `api_keys` ADD `capabilities` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `expires_at` integer;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `parent_key_id` text;--> statement-breakpoint
ALTER TABLE `invites` ADD `token_hash` text;--> statement-breakpoint
ALTER TABLE `invites` ADD `expires_at` integer;--> statement-breakpoint
CREATE UNIQUE INDEX `invites_token` ON `invites` (`token_hash`);