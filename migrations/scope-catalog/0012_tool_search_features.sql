-- Search reads less per query (issue 13: search p50 over 11,000 tools under 10 ms). FTS5 tables
-- cannot be altered, so the index is recreated (its short columns before `description`) beside a
-- companion, `tools_rank`: per tool, under the same rowid, its source and name (indexed, so a
-- tool's entry is found without scanning the index) and `features`, what the re-ranker compares
-- (the lowercase words of its title, name and route, rank.ts rankFeatures), so no query
-- re-tokenizes its candidates or reads their descriptions. The catalog refills both from the tools
-- table when it starts (search.ts rebuildIndex).
DROP TABLE `tools_fts`;
--> statement-breakpoint
CREATE VIRTUAL TABLE `tools_fts` USING fts5(
	source UNINDEXED,
	name UNINDEXED,
	words,
	title,
	route,
	params,
	description,
	tokenize = 'porter unicode61'
);
--> statement-breakpoint
CREATE TABLE `tools_rank` (
	`id` integer PRIMARY KEY,
	`source` text NOT NULL,
	`name` text NOT NULL,
	`features` text NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `tools_rank_tool` ON `tools_rank` (`source`,`name`);
--> statement-breakpoint
-- A hit's side-effect class and status without reading its tools row (whose schemas can span
-- many pages).
CREATE INDEX `tools_search` ON `tools` (`source_id`,`name`,`side_effect`,`status`);
