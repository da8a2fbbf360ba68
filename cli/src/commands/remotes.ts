import type { Command } from "commander";
import { Option } from "commander";
import { remoteApi } from "../api";
import type { Remote, RemoteAuth } from "../config";
import { configPath, loadConfig, remoteNameFor, updateConfig } from "../config";
import type { Ctx } from "../context";
import { CliError, EXIT } from "../context";
import { oauthLogin } from "../oauth";
import { asRecord, str, table } from "../output";
import { readSecret } from "../secret-input";

const DEFAULT_URL = "http://127.0.0.1:8787";

/** The platform's origin from what the user typed (a trailing /v1 or slash is dropped). */
function baseUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.includes("://") ? input : `http://${input}`);
  } catch {
    throw new CliError(`'${input}' is not a URL`, EXIT.usage);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new CliError(`'${input}' is not an http(s) URL`, EXIT.usage);
  return url.origin;
}

function describeMe(me: Record<string, unknown>): string {
  const user = asRecord(me.user);
  const org = asRecord(me.org);
  const grant = asRecord(me.grant);
  const caps = Array.isArray(grant.capabilities) ? grant.capabilities.map(str).join(", ") : "";
  return `${str(user.email)} in org ${str(org.name) || str(org.id)} (${str(me.role)}; ${str(asRecord(me.principal).kind)}${caps ? `: ${caps}` : ""})`;
}

export function registerRemotes(program: Command, ctx: () => Ctx): void {
  program
    .command("login")
    .description("log in to an Executor instance (OAuth in the browser, or --api-key read from stdin) and make it current")
    .argument("[url]", "the instance", DEFAULT_URL)
    .option("--api-key", "read an API key (exk_…) from stdin, or prompt for it, instead of signing in")
    .option("--name <name>", "the remote's name (default: from the host, e.g. 'local')")
    .option("--no-browser", "only print the sign-in URL")
    .addOption(new Option("--timeout <seconds>", "how long to wait for the browser sign-in").default(300).argParser(Number))
    .action(async (input: string, opts: { apiKey?: boolean; name?: string; browser: boolean; timeout: number }) => {
      const { out } = ctx();
      const url = baseUrl(input);
      const name = opts.name ?? remoteNameFor(url);
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(name)) throw new CliError(`'${name}' is not a usable remote name`, EXIT.usage);
      const auth: RemoteAuth = opts.apiKey
        ? { kind: "api_key", key: await readSecret("API key: ") }
        : await oauthLogin(url, { openBrowser: opts.browser, timeoutMs: opts.timeout * 1000, info: (m) => out.info(m) });
      const remote: Remote = { url, auth };
      // Verified before it is saved: a wrong key or URL never becomes the current remote.
      const me = asRecord((await remoteApi(name, remote).json("GET", "/v1/me")).body);
      updateConfig((config) => {
        config.remotes[name] = remote;
        config.current = name;
      });
      out.result({ remote: name, url, current: true, me }, () => `Logged in to ${url} as ${describeMe(me)}; remote '${name}' is current.`);
    });

  const remotes = program.command("remotes").description("the instances this CLI is logged in to");
  remotes
    .command("list", { isDefault: true })
    .description("list remotes (the current one is marked *)")
    .action(() => {
      const config = loadConfig();
      const list = Object.entries(config.remotes).map(([name, r]) => ({ name, url: r.url, auth: r.auth.kind, current: name === config.current }));
      ctx().out.result({ current: config.current, remotes: list, config: configPath() }, () =>
        table(["", "NAME", "URL", "AUTH"], list.map((r) => [r.current ? "*" : "", r.name, r.url, r.auth === "api_key" ? "api key" : "oauth"])),
      );
    });
  remotes
    .command("use")
    .description("make a remote the current one")
    .argument("<name>")
    .action((name: string) => {
      updateConfig((config) => {
        if (!config.remotes[name]) throw new CliError(`no remote named '${name}' (see executor remotes list)`, EXIT.notFound);
        config.current = name;
      });
      ctx().out.result({ current: name }, () => `Remote '${name}' is current.`);
    });
  remotes
    .command("remove")
    .description("forget a remote and its credential (the credential stays valid on the server until revoked)")
    .argument("<name>")
    .action((name: string) => {
      const config = updateConfig((c) => {
        if (!c.remotes[name]) throw new CliError(`no remote named '${name}' (see executor remotes list)`, EXIT.notFound);
        delete c.remotes[name];
        if (c.current === name) c.current = Object.keys(c.remotes)[0] ?? null;
      });
      ctx().out.result({ removed: name, current: config.current }, () => `Removed '${name}'.${config.current ? ` Current: '${config.current}'.` : ""}`);
    });

  program
    .command("whoami")
    .description("who the current (or --remote) credential is, and what it may do")
    .action(async () => {
      const { out, api } = ctx();
      const remote = await api();
      const me = asRecord((await remote.json("GET", "/v1/me")).body);
      out.result({ remote: remote.remote, ...me }, () => `${describeMe(me)} on ${remote.remote.url} (remote '${remote.remote.name}')`);
    });
}
