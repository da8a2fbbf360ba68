CREATE TABLE `skills` (
	`name` text PRIMARY KEY NOT NULL,
	`description` text NOT NULL,
	`body` text NOT NULL,
	`public` integer NOT NULL,
	`commit` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
