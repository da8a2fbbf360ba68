import type { Command } from "commander";
import { Option } from "commander";
import type { Ctx } from "../context";
import { asList, asRecord, str, table } from "../output";

const repeatable = (flags: string, description: string): Option =>
  new Option(flags, description).argParser((value: string, all: string[] | undefined) => [...(all ?? []), value]);
const scopeOption = (): Option => new Option("--scope <scope>", "where it is placed").choices(["org", "user"]).default("org");

type ToolkitOptions = { title?: string; description?: string; tool?: string[]; pattern?: string[]; runCode?: boolean; scope: string };
type PolicyOptions = { source: string; tools: string; action: string; connection?: string; connectionScope?: string; forbidSelfApproval?: boolean; scope: string };

export function registerGovernance(program: Command, ctx: () => Ctx): void {
  const toolkits = program.command("toolkits").description("named selections of tools (curation, no policy)");
  toolkits
    .command("list")
    .description("toolkits in your scopes")
    .action(async () => {
      const { out, api } = ctx();
      const body = asRecord((await (await api()).json("GET", "/v1/toolkits")).body);
      const rows = asList(body.toolkits).map((t) => [str(t.slug), str(t.scope), str(t.title), String(asList(t.tools).length + asList(t.patterns).length)]);
      out.result(body, () => table(["SLUG", "SCOPE", "TITLE", "ENTRIES"], rows));
    });
  toolkits
    .command("create")
    .description("create a toolkit from addresses and address patterns")
    .argument("<slug>")
    .option("--title <title>", "its title (default: the slug)")
    .option("--description <text>")
    .addOption(repeatable("--tool <address>", "a tool address; repeatable"))
    .addOption(repeatable("--pattern <pattern>", "an address pattern such as pets.*.*.list*; repeatable"))
    .option("--run-code", "credentials bound to it may run code mode")
    .addOption(scopeOption())
    .action(async (slug: string, opts: ToolkitOptions) => {
      const { out, api } = ctx();
      const body = {
        slug,
        title: opts.title ?? slug,
        scope: opts.scope,
        tools: opts.tool ?? [],
        patterns: opts.pattern ?? [],
        ...(opts.description ? { description: opts.description } : {}),
        ...(opts.runCode ? { runCode: true } : {}),
      };
      const created = asRecord((await (await api()).json("POST", "/v1/toolkits", body)).body);
      out.result(created, () => `Created toolkit '${str(asRecord(created.toolkit).slug)}'.`);
    });

  const policies = program.command("policies").description("allow, require approval or block, per source, tools and connection");
  policies
    .command("list")
    .description("policies in your scopes")
    .action(async () => {
      const { out, api } = ctx();
      const body = asRecord((await (await api()).json("GET", "/v1/policies")).body);
      const rows = asList(body.policies).map((p) => {
        const target = asRecord(p.target);
        const connection = asRecord(target.connection);
        return [str(p.id), str(p.scope), str(target.source), str(target.tools), str(connection.name) || "*", str(p.action)];
      });
      out.result(body, () => table(["ID", "SCOPE", "SOURCE", "TOOLS", "CONNECTION", "ACTION"], rows));
    });
  policies
    .command("set")
    .description("add a policy")
    .requiredOption("--source <slug>", "the source it applies to")
    .addOption(new Option("--action <action>", "what it decides").choices(["approve", "require_approval", "block"]).makeOptionMandatory())
    .option("--tools <glob>", "only tools whose name matches", "*")
    .option("--connection <name>", "only calls through this connection")
    .option("--connection-scope <id>", "the connection's scope id (default: your org)")
    .option("--forbid-self-approval", "the caller may not approve their own call")
    .addOption(scopeOption())
    .action(async (opts: PolicyOptions) => {
      const { out, api: open } = ctx();
      const api = await open();
      let connection: { scope: string; name: string } | undefined;
      if (opts.connection) {
        const scope = opts.connectionScope ?? str(asRecord(asRecord((await api.json("GET", "/v1/me")).body).org).id);
        connection = { scope, name: opts.connection };
      }
      const body = {
        scope: opts.scope,
        action: opts.action,
        target: { source: opts.source, tools: opts.tools, ...(connection ? { connection } : {}) },
        ...(opts.forbidSelfApproval ? { forbidSelfApproval: true } : {}),
      };
      const created = asRecord((await api.json("POST", "/v1/policies", body)).body);
      const p = asRecord(created.policy);
      out.result(created, () => `Policy ${str(p.id)}: ${str(p.action)} for ${opts.source} ${opts.tools}.`);
    });
  policies
    .command("remove")
    .description("remove a policy by id")
    .argument("<id>")
    .addOption(scopeOption())
    .action(async (id: string, opts: { scope: string }) => {
      const { out, api } = ctx();
      const body = asRecord((await (await api()).json("DELETE", `/v1/policies/${encodeURIComponent(id)}?scope=${opts.scope}`)).body);
      out.result(body, () => `Removed policy ${id}.`);
    });
}
