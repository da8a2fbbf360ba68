CREATE TABLE `messages` (
	`id` text PRIMARY KEY NOT NULL,
	`to` text NOT NULL,
	`from` text NOT NULL,
	`subject` text NOT NULL,
	`text` text NOT NULL,
	`html` text,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `messages_to` ON `messages` (`to`);--> statement-breakpoint
CREATE INDEX `messages_created` ON `messages` (`created_at`);