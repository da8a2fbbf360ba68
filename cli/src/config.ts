import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { homedir } from "node:os";
import { join } from "node:path";
import { z } from "zod";
import { CliError, EXIT } from "./context";

/**
 * The CLI's remotes and their credentials, in `${XDG_CONFIG_HOME:-~/.config}/executor/config.json`
 * (EXECUTOR_CONFIG_DIR replaces the folder). The file holds secrets: mode 0600 in a 0700 folder,
 * replaced atomically (temp file + rename) so a crash or a concurrent refresh never leaves half a file.
 */

const ApiKeyAuth = z.object({ kind: z.literal("api_key"), key: z.string().min(1) });
/**
 * The second grant of an OAuth login, bound to `<origin>/mcp` (RFC 8707: the server binds each grant to
 * one resource), used by executor mcp; same client as the /v1 grant, refreshed on its own.
 */
const McpTokens = z.object({
  accessToken: z.string().min(1),
  refreshToken: z.string().nullable(),
  /** Epoch milliseconds. */
  expiresAt: z.number(),
  tokenEndpoint: z.string().url().optional(),
});
export type McpTokens = z.infer<typeof McpTokens>;
const OAuthAuth = z.object({
  kind: z.literal("oauth"),
  clientId: z.string().min(1),
  accessToken: z.string().min(1),
  refreshToken: z.string().nullable(),
  /** Epoch milliseconds. */
  expiresAt: z.number(),
  /** The authorization server's token endpoint (RFC 8414 metadata at login), where refreshes go. */
  tokenEndpoint: z.string().url().optional(),
  /** Absent in configs from before the MCP grant (or after login --no-mcp): executor mcp then refuses. */
  mcp: McpTokens.optional(),
});
export const RemoteAuth = z.discriminatedUnion("kind", [ApiKeyAuth, OAuthAuth]);
export type RemoteAuth = z.infer<typeof RemoteAuth>;
export type OAuthAuth = z.infer<typeof OAuthAuth>;

export const Remote = z.object({ url: z.string().url(), auth: RemoteAuth });
export type Remote = z.infer<typeof Remote>;

export const Config = z.object({ current: z.string().nullable(), remotes: z.record(z.string(), Remote) });
export type Config = z.infer<typeof Config>;

export function configDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.EXECUTOR_CONFIG_DIR) return env.EXECUTOR_CONFIG_DIR;
  return join(env.XDG_CONFIG_HOME || join(homedir(), ".config"), "executor");
}

export function configPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(configDir(env), "config.json");
}

export function loadConfig(): Config {
  let text: string;
  try {
    text = readFileSync(configPath(), "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { current: null, remotes: {} };
    throw error;
  }
  let parsed: z.ZodSafeParseResult<Config>;
  try {
    parsed = Config.safeParse(JSON.parse(text));
  } catch {
    throw new CliError(`${configPath()} is not valid JSON; fix or remove it`, EXIT.failed);
  }
  if (!parsed.success) throw new CliError(`${configPath()} has an unexpected shape; fix or remove it`, EXIT.failed);
  return parsed.data;
}

export function saveConfig(config: Config): void {
  const dir = configDir();
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  chmodSync(dir, 0o700);
  const target = configPath();
  const temp = join(dir, `.config.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  try {
    writeFileSync(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600, flag: "wx" });
    renameSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** Read-modify-write of the file as it is now (another process may have changed it since we read it). */
export function updateConfig(change: (config: Config) => void): Config {
  const config = loadConfig();
  change(config);
  saveConfig(config);
  return config;
}

/** The saved remote of that name; never an inherited property (`toString`, `constructor`…). */
export function remoteOf(config: Config, name: string): Remote | undefined {
  return Object.hasOwn(config.remotes, name) ? config.remotes[name] : undefined;
}

/** 127.0.0.0/8, ::1 and localhost: the hosts plain http is acceptable for. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.toLowerCase();
  return host === "localhost" || host === "[::1]" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** A remote's name from its URL: `local` for the default local platform, else the host (and port). */
export function remoteNameFor(url: string): string {
  const parsed = new URL(url);
  const loopback = parsed.hostname === "127.0.0.1" || parsed.hostname === "localhost" || parsed.hostname === "[::1]";
  if (loopback && (parsed.port === "8787" || parsed.port === "")) return "local";
  const host = loopback ? "local" : parsed.hostname.replace(/^www\./, "");
  return parsed.port ? `${host}-${parsed.port}` : host;
}
