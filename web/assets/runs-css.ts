/** The Runs pages' styles (served at /assets/runs.css), beside the shell's app.css. */
export const RUNS_CSS = `
  .run-filters { display: grid; grid-template-columns: repeat(auto-fill, minmax(10rem, 1fr)); gap: 0 1rem; align-items: end; margin: 1rem 0; }
  .run-filters .wide { grid-column: span 2; }
  .run-filters input, .run-filters select { width: 100%; padding: .45rem; box-sizing: border-box; }
  .run-filters .actions button { margin-top: .5rem; }
  .status { display: inline-block; padding: 0 .45rem; border-radius: 3px; font-size: .85em; background: #eef0f4; color: #1d1d1f; white-space: nowrap; }
  .status-succeeded { background: #e3f4e6; } .status-failed, .status-rejected, .status-denied { background: #fde8e8; }
  .status-pending_approval, .status-queued { background: #fff1d6; } .status-running { background: #e4eefc; }
  h1 .status { vertical-align: middle; font-size: .6em; }
  code.address { word-break: break-all; }
  code.hash { word-break: break-all; font-size: .85em; }
  td.num { text-align: right; white-space: nowrap; }
  table.facts th { width: 12rem; font-weight: 600; vertical-align: top; }
  #runs caption { text-align: left; padding: .25rem 0; }
  .pager { display: flex; gap: 1.5rem; margin: 1rem 0; }
  pre { max-height: 32rem; overflow: auto; white-space: pre-wrap; word-break: break-word; }
`;
