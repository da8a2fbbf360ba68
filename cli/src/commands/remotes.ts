import type { Command } from "commander";
import { Option } from "commander";
import { remoteApi } from "../api";
import type { Remote, RemoteAuth } from "../config";
import { configPath, isLoopbackHost, loadConfig, remoteNameFor, remoteOf, updateConfig } from "../config";
import type { Ctx } from "../context";
import { CliError, EXIT } from "../context";
import { oauthLogin } from "../oauth";
import { asRecord, str, table } from "../output";
import { readSecret } from "../secret-input";

const DEFAULT_URL = "http://127.0.0.1:8787";

/**
 * The platform's origin from what the user typed (a trailing /v1 or slash is dropped). A bare host
 * is https unless it is loopback; plain http to any other host (credentials in clear) needs --insecure.
 */
export function baseUrl(input: string, insecure = false): string {
  let url: URL;
  try {
    if (input.includes("://")) url = new URL(input);
    else {
      const bare = new URL(`http://${input}`);
      url = isLoopbackHost(bare.hostname) ? bare : new URL(`https://${input}`);
    }
  } catch {
    throw new CliError(`'${input}' is not a URL`, EXIT.usage);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") throw new CliError(`'${input}' is not an http(s) URL`, EXIT.usage);
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname) && !insecure) {
    throw new CliError(`refusing plain http to ${url.host} (credentials would travel unencrypted); use https://, or --insecure if you really mean it`, EXIT.usage);
  }
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
    .option("--no-mcp", "OAuth: skip the second authorization, for the /mcp endpoint (executor mcp then needs an API key)")
    .option("--insecure", "allow plain http:// to a host that is not loopback (credentials travel unencrypted)")
    .addOption(new Option("--timeout <seconds>", "how long to wait for the browser sign-in").default(300).argParser(Number))
    .action(async (input: string, opts: { apiKey?: boolean; name?: string; browser: boolean; mcp: boolean; timeout: number; insecure?: boolean }) => {
      const { out } = ctx();
      const url = baseUrl(input, opts.insecure === true);
      if (opts.insecure && new URL(url).protocol === "http:" && !isLoopbackHost(new URL(url).hostname)) out.info(`warning: ${url} is plain http; the credential travels unencrypted`);
      const name = opts.name ?? remoteNameFor(url);
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/.test(name)) throw new CliError(`'${name}' is not a usable remote name`, EXIT.usage);
      const auth: RemoteAuth = opts.apiKey
        ? { kind: "api_key", key: await readSecret("API key: ") }
        : await oauthLogin(url, { openBrowser: opts.browser, timeoutMs: opts.timeout * 1000, info: (m) => out.info(m), insecure: opts.insecure === true, mcp: opts.mcp !== false });
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
        if (!remoteOf(config, name)) throw new CliError(`no remote named '${name}' (see executor remotes list)`, EXIT.auth);
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
        if (!remoteOf(c, name)) throw new CliError(`no remote named '${name}' (see executor remotes list)`, EXIT.auth);
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
