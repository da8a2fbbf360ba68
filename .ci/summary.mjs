// Prints `N passed, N failed` from vitest's JSON report; a missing or empty report counts as a failure.
import { readFileSync } from "node:fs";

const file = process.argv[2];
let report;
try {
  report = JSON.parse(readFileSync(file, "utf8"));
} catch {
  console.log("0 passed, 1 failed");
  process.exit(1);
}
const passed = report.numPassedTests ?? 0;
const failed = report.numFailedTests ?? 0;
// A file that failed to load, or whose setup failed (its tests then show as skipped), has no failed
// test of its own; count the file once so the summary never hides it.
const suitesFailed =
  report.testResults?.filter(
    (r) => r.status === "failed" && !(r.assertionResults ?? []).some((a) => a.status === "failed"),
  ).length ?? 0;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`${passed} passed, ${failed + suitesFailed} failed${skipped ? `, ${skipped} skipped` : ""}`);
process.exit(failed + suitesFailed > 0 || passed === 0 ? 1 : 0);
