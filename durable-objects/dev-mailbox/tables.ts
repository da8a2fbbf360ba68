import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";

// The development mailbox: every message the platform sent while running locally.
// See storage-schema.md beside this file; migrations live in migrations/dev-mailbox/.

export const messages = sqliteTable(
  "messages",
  {
    id: text("id").primaryKey(),
    /** Lowercased recipient address. */
    to: text("to").notNull(),
    from: text("from").notNull(),
    subject: text("subject").notNull(),
    text: text("text").notNull(),
    html: text("html"),
    createdAt: integer("created_at").notNull(),
  },
  (t) => [index("messages_to").on(t.to), index("messages_created").on(t.createdAt)],
);
