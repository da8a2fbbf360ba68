CREATE TABLE `module_authors` (
	`module_hash` text PRIMARY KEY NOT NULL,
	`author` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
