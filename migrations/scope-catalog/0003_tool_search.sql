-- Full-text index over tools for ranked search (SQLite FTS5, Porter stemming). Kept in step with
-- the tools table by the catalog's own writes; `words` is the tool name split into words.
CREATE VIRTUAL TABLE `tools_fts` USING fts5(
	source UNINDEXED,
	name UNINDEXED,
	words,
	description,
	params,
	tokenize = 'porter unicode61'
);
