CREATE TABLE `outputs` (
	`run_id` text NOT NULL,
	`idx` integer NOT NULL,
	`chunk` text NOT NULL,
	PRIMARY KEY(`run_id`, `idx`)
);
