-- Adds a `title` column (a tool's first description line, e.g. an OpenAPI summary) to the search
-- index. FTS5 tables cannot be altered, so the index is recreated; the catalog refills it from the
-- tools table when it starts (search.ts rebuildIndex).
DROP TABLE `tools_fts`;
--> statement-breakpoint
CREATE VIRTUAL TABLE `tools_fts` USING fts5(
	source UNINDEXED,
	name UNINDEXED,
	words,
	title,
	description,
	params,
	tokenize = 'porter unicode61'
);
