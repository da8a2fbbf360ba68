ALTER TABLE `api_keys` ADD `allowed_origins` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `api_keys` ADD `rate_limit_per_minute` integer;