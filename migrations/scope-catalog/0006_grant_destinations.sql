ALTER TABLE `tools` ADD `destination` text;--> statement-breakpoint
ALTER TABLE `tools` ADD `granted_destination` text;--> statement-breakpoint
ALTER TABLE `tools` ADD `granted_auth` text;--> statement-breakpoint
-- DESIGN invariant 6: a grant covers where the credential goes. A tool whose definition changed after it
-- was granted may already send it elsewhere than what was reviewed, so its grant is withdrawn (it shows as
-- moved: awaiting review with a granted hash). Other grants cover their stored definition until the next
-- refresh records the destination they cover (durable-objects/scope-catalog/grants.ts).
UPDATE `tools` SET `status` = 'awaiting_review' WHERE `status` = 'granted' AND `granted_hash` IS NOT NULL AND `granted_hash` <> `hash`;