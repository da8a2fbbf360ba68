import { readFileSync } from "node:fs";
import { Command, CommanderError, Option } from "commander";
import { remoteApi } from "./api";
import { registerAuthoring } from "./commands/authoring";
import { registerCatalog } from "./commands/catalog";
import { registerGovernance } from "./commands/governance";
import { registerRemotes } from "./commands/remotes";
import { registerRuns } from "./commands/runs";
import { registerTools } from "./commands/tools";
import { loadConfig, remoteOf } from "./config";
import type { Api, Ctx } from "./context";
import { CliError, EXIT } from "./context";
import { clean, makeOutput } from "./output";

/** Both cli/src/main.ts and the bundle cli/dist/executor.mjs sit two folders below package.json. */
function version(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

const EXIT_CODES = `
Exit codes:
  0  ok
  1  failed (the server refused the input, a conflict, an upstream error)
  2  usage (a bad argument or option)
  3  auth (not logged in, an unknown remote, or the credential was refused: HTTP 401)
  4  not found (HTTP 404)
  5  refused (blocked by a policy, a missing capability: HTTP 403)
  6  pending (a call is waiting for approval; its review link is printed)`;

/** The remote named by --remote, else the current one; every command reaches the platform through it. */
function openRemote(name: string | undefined): Api {
  const config = loadConfig();
  const chosen = name ?? config.current;
  if (!chosen) throw new CliError("not logged in; run executor login [URL]", EXIT.auth);
  const remote = remoteOf(config, chosen);
  if (!remote) throw new CliError(`no remote named '${chosen}' (see executor remotes list)`, EXIT.auth);
  return remoteApi(chosen, remote);
}

export function buildProgram(): Command {
  const program = new Command("executor")
    .description("Executor from the terminal: the local platform, the control plane of any instance, authoring.")
    .version(version(), "-V, --version", "print the version")
    .addOption(new Option("--json", "print results as JSON (for scripts)"))
    .addOption(new Option("--remote <name>", "the remote to talk to (default: the current one)"))
    .configureHelp({ showGlobalOptions: true, sortSubcommands: true })
    .addHelpText("after", EXIT_CODES)
    .exitOverride()
    .configureOutput({
      // One line, our prefix: "executor: unknown option '--x'".
      outputError: (text, write) => write(`executor: ${text.replace(/^error: /, "").replace(/\s*\n\s*/g, " ").trim()} (see --help)\n`),
    });

  const ctx = (): Ctx => {
    const opts = program.opts<{ json?: boolean; remote?: string }>();
    return { out: makeOutput(opts.json === true), api: async (name) => openRemote(name ?? opts.remote), ...(opts.remote ? { remoteOption: opts.remote } : {}) };
  };

  registerRemotes(program, ctx);
  registerTools(program, ctx);
  registerCatalog(program, ctx);
  registerGovernance(program, ctx);
  registerRuns(program, ctx);
  registerAuthoring(program, ctx);

  // Every subcommand shares the error model: usage errors exit 2 with one line.
  const configure = (command: Command): void => {
    command.exitOverride().configureOutput(program.configureOutput());
    command.commands.forEach(configure);
  };
  program.commands.forEach(configure);
  return program;
}

/** Runs the CLI; resolves to the exit code. Errors are one line on stderr, never a stack trace. */
export async function run(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv, { from: "user" });
    return typeof process.exitCode === "number" ? process.exitCode : EXIT.ok;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not failures; everything else commander reports is a usage error (printed already).
      const benign = error.code === "commander.helpDisplayed" || error.code === "commander.version" || error.code === "commander.help";
      return benign ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof CliError) {
      // Messages may carry server text: no control characters (deploy refusals keep one line per file).
      process.stderr.write(`executor: ${clean(error.message, true)}\n`);
      return error.exitCode;
    }
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`executor: ${clean(message.split("\n")[0] ?? "")}\n`);
    if (process.env.EXECUTOR_DEBUG && error instanceof Error) process.stderr.write(`${error.stack}\n`);
    return EXIT.failed;
  }
}

// `executor runs export | head`: a closed pipe ends the output, it is not an error.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw error;
});
process.exitCode = await run(process.argv.slice(2));
