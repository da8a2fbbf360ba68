-- Adds a `route` column to the search index: the verb an HTTP method means on its path and the
-- path's words (vocabulary.ts routeWords). FTS5 tables cannot be altered, so the index is
-- recreated; the catalog refills it from the tools table when it starts (search.ts rebuildIndex).
DROP TABLE `tools_fts`;
--> statement-breakpoint
CREATE VIRTUAL TABLE `tools_fts` USING fts5(
	source UNINDEXED,
	name UNINDEXED,
	words,
	title,
	description,
	params,
	route,
	tokenize = 'porter unicode61'
);
