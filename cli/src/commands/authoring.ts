import { resolve } from "node:path";
import type { Command } from "commander";
import { Option } from "commander";
import { deployDir, history, pull, rollback } from "../authoring/artifacts";
import type { Pulled, Scope } from "../authoring/artifacts";
import { dev } from "../authoring/dev";
import type { DeployRecord, HistoryEntry } from "../authoring/record";
import { formatHistory, formatRecord } from "../authoring/record";
import { scaffold } from "../authoring/scaffold";
import type { BundleReport, DeployReport } from "../authoring/self-host";
import { formatSelfHost, selfHost } from "../authoring/self-host";
import type { Ctx } from "../context";
import { runMcpBridge } from "./mcp-bridge";

const scopeOption = (): Option => new Option("--scope <scope>", "the scope's repository: org (default) or your own user scope").choices(["org", "user"]);
const dirOf = (dir: string | undefined): string => resolve(dir ?? process.cwd());

/** Authoring commands (README "Custom tools and skills"): init, deploy, pull, rollback, history, dev, self-host, mcp. */
export function registerAuthoring(program: Command, ctx: () => Ctx): void {
  program
    .command("init [dir]")
    .description("scaffold executor/tools/ and executor/skills/ with one working example each")
    .option("--force", "replace files that already exist")
    .action((dir: string | undefined, opts: { force?: boolean }) => {
      const written = scaffold(dirOf(dir), opts.force === true);
      ctx().out.result({ dir: dirOf(dir), files: written }, () =>
        [`Wrote ${written.length} files in ${dirOf(dir)}:`, ...written.map((f) => `  ${f}`), "Next: executor deploy --check, then executor deploy."].join("\n"),
      );
    });

  program
    .command("deploy [dir]")
    .description("bundle executor/ (tools with esbuild) and deploy it; --check shows what would change and writes nothing")
    .option("--check", "validate and show the diff only")
    .addOption(scopeOption())
    .option("-m, --message <message>", "the commit message")
    .action(async (dir: string | undefined, opts: { check?: boolean; scope?: Scope; message?: string }) => {
      const c = ctx();
      const record = await deployDir(await c.api(), dirOf(dir), opts);
      c.out.result(record, (r) => formatRecord(r as DeployRecord));
    });

  program
    .command("pull [dir]")
    .description("write a scope's deployed files into executor/ (refuses to replace local changes without --force)")
    .addOption(scopeOption())
    .option("--ref <ref>", "a commit id or main (default: the live set)")
    .option("--force", "replace local files that differ")
    .action(async (dir: string | undefined, opts: { scope?: Scope; ref?: string; force?: boolean }) => {
      const c = ctx();
      const pulled = await pull(await c.api(), dirOf(dir), opts);
      c.out.result(pulled, (v) => {
        const p = v as Pulled;
        return [`Pulled ${p.scope} at ${p.commit?.slice(0, 12) ?? "(no commit)"}:`, ...p.written.map((f) => `  wrote ${f}`), ...p.unchanged.map((f) => `  same  ${f}`)].join("\n");
      });
    });

  program
    .command("rollback <commit>")
    .description("restore an earlier commit's files as a new commit (see executor history)")
    .addOption(scopeOption())
    .action(async (commit: string, opts: { scope?: Scope }) => {
      const c = ctx();
      const record = await rollback(await c.api(), commit, opts.scope);
      c.out.result(record, (r) => `Restored ${commit.slice(0, 12)}.\n${formatRecord(r as DeployRecord)}`);
    });

  program
    .command("history")
    .description("the scope's commits, newest first (* = live)")
    .addOption(scopeOption())
    .action(async (opts: { scope?: Scope }) => {
      const c = ctx();
      const h = await history(await c.api(), opts.scope);
      c.out.result(h, (v) => formatHistory(v as { live: string | null; commits: HistoryEntry[] }));
    });

  program
    .command("dev [dir]")
    .description("start the local platform (what npm start runs) and redeploy executor/ to it on every save (to another remote only with --remote)")
    .option("--port <port>", "the platform's port (default: $PORT or 8787)")
    .addOption(scopeOption())
    .action(async (dir: string | undefined, opts: { port?: string; scope?: Scope }) => {
      const remote = ctx().remoteOption;
      await dev(ctx, dirOf(dir), { ...opts, ...(remote ? { remote } : {}) });
    });

  const selfHostCommand = program.command("self-host").description("run Executor on your own Cloudflare account");
  selfHostCommand
    .command("deploy")
    .description("wrangler deploy of the platform as production; --dry-run builds the bundle and reports its size")
    .option("--dry-run", "build offline and measure the bundle against the Workers limits")
    .option("--public-url <url>", "the https origin users and OAuth clients reach (required for a real deploy)")
    .option("--env <name>", "a wrangler environment of wrangler.toml to deploy")
    .option("--outdir <dir>", "with --dry-run: keep the bundle in this folder")
    .action(async (opts: { dryRun?: boolean; publicUrl?: string; env?: string; outdir?: string }) => {
      const report = await selfHost({ ...opts, ...(opts.outdir ? { outdir: resolve(opts.outdir) } : {}) });
      ctx().out.result(report, (r) => formatSelfHost(r as BundleReport | DeployReport));
    });

  program
    .command("mcp")
    .description("a stdio MCP server bridging to the remote's /mcp (for stdio-only MCP clients)")
    .action(async () => {
      await runMcpBridge(await ctx().api());
    });
}
