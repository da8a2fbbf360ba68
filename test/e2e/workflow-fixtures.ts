/** The 9am workflow: make the table, read the issues, shape them in code, write them in one batch. */
export function loadIssuesWorkflow(org: string): string {
  return `description: Every morning at 9, load my GitHub issues into SQLite
triggers:
  cron: "0 9 * * *"
stores:
  - name: issues
    kind: sqlite
steps:
  - id: schema
    tool: store.${org}.issues.exec
    args:
      sql: CREATE TABLE IF NOT EXISTS issues (number INTEGER PRIMARY KEY, title TEXT NOT NULL, state TEXT NOT NULL, loaded_at TEXT NOT NULL)
  - id: fetch
    tool: github.${org}.work.listIssues
    args: { owner: acme, repo: app, state: open }
  - id: rows
    code: "return steps.fetch.output.map((i) => [i.number, i.title, i.state, trigger.firedAt]);"
  - id: save
    tool: store.${org}.issues.exec
    args:
      sql: INSERT OR REPLACE INTO issues (number, title, state, loaded_at) VALUES (?, ?, ?, ?)
      rows: \${steps.rows.output}
`;
}
