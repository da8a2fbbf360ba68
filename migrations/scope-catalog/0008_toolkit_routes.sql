ALTER TABLE `toolkits` ADD `allowed_origins` text DEFAULT '[]' NOT NULL;--> statement-breakpoint
ALTER TABLE `toolkits` ADD `rate_limit_per_minute` integer;--> statement-breakpoint
ALTER TABLE `toolkits` ADD `calls_per_day` integer;--> statement-breakpoint
ALTER TABLE `toolkits` ADD `default_connections` text DEFAULT '{}' NOT NULL;--> statement-breakpoint
ALTER TABLE `toolkits` ADD `version` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `toolkits` ADD `pinned_surface` text;