import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { Option } from "commander";
import { answer } from "../api";
import type { Api, Ctx } from "../context";
import { CliError, EXIT } from "../context";
import { asList, asRecord, str, table } from "../output";
import { readStdin } from "../secret-input";

/** `k=v`: the value parsed as JSON when it parses (numbers, booleans, objects), else kept as a string. */
export function parseArg(pair: string): [string, unknown] {
  const eq = pair.indexOf("=");
  if (eq <= 0) throw new CliError(`--arg '${pair}' is not key=value`, EXIT.usage);
  const raw = pair.slice(eq + 1);
  try {
    return [pair.slice(0, eq), JSON.parse(raw) as unknown];
  } catch {
    return [pair.slice(0, eq), raw];
  }
}

async function argumentsFrom(opts: { arg?: string[]; jsonFile?: string }): Promise<Record<string, unknown>> {
  let base: unknown = {};
  if (opts.jsonFile !== undefined) {
    let text: string;
    try {
      text = opts.jsonFile === "-" ? await readStdin() : readFileSync(opts.jsonFile, "utf8");
    } catch {
      throw new CliError(`cannot read ${opts.jsonFile}`, EXIT.usage);
    }
    try {
      base = JSON.parse(text) as unknown;
    } catch {
      throw new CliError(`${opts.jsonFile === "-" ? "stdin" : opts.jsonFile} is not valid JSON`, EXIT.usage);
    }
    if (typeof base !== "object" || base === null || Array.isArray(base)) throw new CliError("the arguments must be a JSON object", EXIT.usage);
  }
  return { ...(base as Record<string, unknown>), ...Object.fromEntries((opts.arg ?? []).map(parseArg)) };
}

const SETTLED = new Set(["succeeded", "failed", "rejected", "denied", "expired", "cancelled"]);

/** Polls a Run until it leaves pending_approval/queued/running. */
export async function waitForRun(api: Api, id: string, timeoutMs: number): Promise<Record<string, unknown>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = asRecord(asRecord((await api.json("GET", `/v1/runs/${encodeURIComponent(id)}`)).body).run);
    if (SETTLED.has(str(run.status))) return run;
    if (Date.now() > deadline) throw new CliError(`run ${id} is still ${str(run.status)} after ${Math.round(timeoutMs / 1000)} s`, EXIT.pending);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** A settled Run as the command's outcome: its output, or an error with the exit code its status maps to. */
export function runOutcome(run: Record<string, unknown>): { run: Record<string, unknown>; result: unknown } {
  const status = str(run.status);
  if (status !== "succeeded") {
    const reason = str(asRecord(run.error).message) || status;
    throw new CliError(`run ${str(run.id)} ${status}: ${reason}`, status === "denied" || status === "rejected" ? EXIT.refused : EXIT.failed);
  }
  const output = asRecord(run.output);
  const result = output.kind === "inline" ? output.value : output.kind === "handle" ? { handle: output.handle, bytes: output.bytes } : null;
  return { run, result };
}

const pretty = (value: unknown): string => (typeof value === "string" ? value : JSON.stringify(value, null, 2));

export function registerTools(program: Command, ctx: () => Ctx): void {
  program
    .command("search")
    .description("search the tools (and skills) the credential can reach")
    .argument("[query...]", "what you want to do", [])
    .option("--source <slug>", "only this source's tools")
    .addOption(new Option("--limit <n>", "how many").default(20).argParser(Number))
    .addOption(new Option("--cursor <n>", "continue from an earlier page").argParser(Number))
    .action(async (words: string[], opts: { source?: string; limit: number; cursor?: number }) => {
      const { out, api } = ctx();
      const query = new URLSearchParams({ q: words.join(" "), limit: String(opts.limit) });
      if (opts.source) query.set("source", opts.source);
      if (opts.cursor !== undefined) query.set("cursor", String(opts.cursor));
      const page = asRecord((await (await api()).json("GET", `/v1/tools?${query}`)).body);
      out.result(page, () => {
        const rows = asList(page.tools).map((t) => [str(t.address), str(t.sideEffect), str(t.description).split("\n")[0]?.slice(0, 72) ?? ""]);
        const skills = asList(page.skills).map((s) => `skill ${str(s.name)}: ${str(s.description)}`);
        const more = page.nextCursor !== null && page.nextCursor !== undefined ? `\n(more: --cursor ${str(page.nextCursor)})` : "";
        return [table(["ADDRESS", "EFFECT", "DESCRIPTION"], rows), ...skills].join("\n") + more;
      });
    });

  program
    .command("describe")
    .description("a tool's description, schemas, TypeScript declarations and what policy decides for it")
    .argument("<address>", "source.scope.connection.tool")
    .action(async (address: string) => {
      const { out, api } = ctx();
      const described = asRecord((await (await api()).json("GET", `/v1/tools/describe?address=${encodeURIComponent(address)}`)).body);
      out.result(described, () => {
        const tool = asRecord(described.tool);
        const policy = asRecord(described.policy);
        const ts = asRecord(described.typescript);
        const head = [`${str(described.address)}  (${str(tool.sideEffect)}; policy: ${str(policy.outcome)})`, str(tool.description)];
        const body = ts.text ? str(ts.text) : JSON.stringify({ input: tool.inputSchema, output: tool.outputSchema }, null, 2);
        return [...head, "", body].join("\n");
      });
    });

  program
    .command("call")
    .description("call a tool; a call that needs approval prints its review link and exits 6 (or --wait)")
    .argument("<address>", "source.scope.connection.tool")
    .addOption(new Option("--arg <key=value>", "an argument (value parsed as JSON when it parses); repeatable").argParser((v: string, all: string[] | undefined) => [...(all ?? []), v]))
    .option("--json-file <file>", "the arguments as a JSON object from a file, or - for stdin")
    .option("--wait", "when the call waits for approval, wait for the decision and print the result")
    .addOption(new Option("--timeout <seconds>", "how long --wait waits").default(600).argParser(Number))
    .option("--idempotency-key <key>", "repeat-safe: the same key returns the same Run")
    .action(async (address: string, opts: { arg?: string[]; jsonFile?: string; wait?: boolean; timeout: number; idempotencyKey?: string }) => {
      const { out, api: open } = ctx();
      const args = await argumentsFrom(opts);
      const api = await open();
      const headers: Record<string, string> = { "content-type": "application/json", accept: "application/json" };
      if (opts.idempotencyKey) headers["idempotency-key"] = opts.idempotencyKey;
      const res = await answer(await api.fetch("/v1/call", { method: "POST", headers, body: JSON.stringify({ address, arguments: args }) }));
      const body = asRecord(res.body);
      if (res.status !== 202) return out.result(body, () => pretty(body.result));
      const run = asRecord(body.run);
      const link = str(asRecord(body.resume).link);
      if (!opts.wait) {
        out.result(body, () => `Waiting for approval (run ${str(run.id)}). Review it here:\n  ${link}`);
        throw new CliError(`the call needs approval; after the decision: executor runs show ${str(run.id)}`, EXIT.pending);
      }
      out.info(`Waiting for approval (run ${str(run.id)}). Review it here:\n  ${link}`);
      const settled = runOutcome(await waitForRun(api, str(run.id), opts.timeout * 1000));
      out.result(settled, () => pretty(settled.result));
    });
}
