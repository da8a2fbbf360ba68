import type { Command } from "commander";
import { Option } from "commander";
import { answer } from "../api";
import type { Ctx } from "../context";
import { CliError, EXIT } from "../context";
import { asList, asRecord, str, table } from "../output";

type Filters = { status?: string; tool?: string; limit?: number; cursor?: number };
const STATUSES = ["pending_approval", "queued", "running", "succeeded", "failed", "rejected", "denied", "expired", "cancelled"];

function query(opts: Filters): string {
  const q = new URLSearchParams();
  if (opts.status) q.set("status", opts.status);
  if (opts.tool) q.set("tool", opts.tool);
  if (opts.limit !== undefined) q.set("limit", String(opts.limit));
  if (opts.cursor !== undefined) q.set("cursor", String(opts.cursor));
  const text = q.toString();
  return text ? `?${text}` : "";
}

const when = (ms: unknown): string => (typeof ms === "number" ? new Date(ms).toISOString().replace("T", " ").slice(0, 19) : "");

function showRun(run: Record<string, unknown>): string {
  const output = asRecord(run.output);
  const lines = [
    `${str(run.id)}  ${str(run.status)}`,
    `tool      ${str(run.address)}`,
    `by        ${str(asRecord(run.principal).kind)} ${str(asRecord(run.principal).credentialId)}`,
    `created   ${when(run.createdAt)}${run.finishedAt ? `  finished ${when(run.finishedAt)}` : ""}`,
    `admission ${str(asRecord(run.admission).outcome)}${asRecord(asRecord(run.admission).reason).message ? `: ${str(asRecord(asRecord(run.admission).reason).message)}` : ""}`,
  ];
  for (const a of asList(run.approvals)) lines.push(`decision  ${str(a.decision)} by ${str(a.by)} at ${when(a.at)}${a.comment ? `: ${str(a.comment)}` : ""}`);
  if (run.error) lines.push(`error     ${str(asRecord(run.error).code)}: ${str(asRecord(run.error).message)}`);
  if (output.kind === "inline") lines.push("output", JSON.stringify(output.value, null, 2));
  if (output.kind === "handle") lines.push(`output    stored (${str(output.bytes)} bytes, handle ${str(output.handle)})`);
  return lines.join("\n");
}

const filterOptions = (command: Command): Command =>
  command
    .addOption(new Option("--status <status>", "only Runs in this state").choices(STATUSES))
    .option("--tool <address>", "only Runs of this tool");

export function registerRuns(program: Command, ctx: () => Ctx): void {
  const runs = program.command("runs").description("the audit trail: every call is a Run");

  filterOptions(runs.command("list").description("Runs, newest first"))
    .addOption(new Option("--limit <n>", "how many (1-200)").default(50).argParser(Number))
    .addOption(new Option("--cursor <n>", "continue from an earlier page").argParser(Number))
    .action(async (opts: Filters) => {
      const { out, api } = ctx();
      const body = asRecord((await (await api()).json("GET", `/v1/runs${query(opts)}`)).body);
      const rows = asList(body.runs).map((r) => [str(r.id), str(r.status), str(r.address), when(r.createdAt)]);
      const more = body.nextCursor !== null && body.nextCursor !== undefined ? `\n(more: --cursor ${str(body.nextCursor)})` : "";
      out.result(body, () => table(["ID", "STATUS", "TOOL", "CREATED"], rows) + more);
    });

  runs
    .command("show")
    .description("one Run whole: principal, admission, decisions, output")
    .argument("<id>")
    .action(async (id: string) => {
      const { out, api } = ctx();
      const body = asRecord((await (await api()).json("GET", `/v1/runs/${encodeURIComponent(id)}`)).body);
      out.result(body, () => showRun(asRecord(body.run)));
    });

  for (const decision of ["approve", "deny"] as const) {
    runs
      .command(decision)
      .description(`${decision} a call waiting for approval (needs the approve capability; never your own call)`)
      .argument("<id>")
      .option("--comment <text>", "recorded with the decision")
      .action(async (id: string, opts: { comment?: string }) => {
        const { out, api } = ctx();
        const res = await (await api()).json("POST", `/v1/runs/${encodeURIComponent(id)}/${decision}`, opts.comment ? { comment: opts.comment } : {});
        const body = asRecord(res.body);
        out.result(body, () => (body.result !== undefined ? `${showRun(asRecord(body.run))}` : `Run ${id}: ${str(asRecord(body.run).status)}.`));
      });
  }

  filterOptions(runs.command("export").description("every matching Run as JSON lines on stdout (for audit tools)")).action(async (opts: Filters) => {
    const res = await (await ctx().api()).fetch(`/v1/runs/export${query(opts)}`, { headers: { accept: "application/x-ndjson" } });
    if (!res.ok || !res.body) {
      await answer(res);
      throw new CliError(`the export answered ${res.status}`, EXIT.failed);
    }
    for await (const chunk of res.body) process.stdout.write(chunk);
  });

  runs
    .command("verify")
    .description("recompute the run ledger's hash chain against its signed anchor")
    .action(async () => {
      const { out, api } = ctx();
      const body = asRecord((await (await api()).json("GET", "/v1/runs/verify")).body);
      out.result(body, () => (body.ok === true ? `The run ledger verifies: ${str(body.events)} events.` : `The run ledger does NOT verify: ${JSON.stringify(body)}`));
      if (body.ok !== true) throw new CliError("the run ledger failed verification", EXIT.failed);
    });
}
