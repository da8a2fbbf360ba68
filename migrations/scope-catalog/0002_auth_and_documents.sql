CREATE TABLE `documents` (
	`source_id` text NOT NULL,
	`idx` integer NOT NULL,
	`chunk` text NOT NULL,
	PRIMARY KEY(`source_id`, `idx`),
	FOREIGN KEY (`source_id`) REFERENCES `sources`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `sources` ADD `auth` text;