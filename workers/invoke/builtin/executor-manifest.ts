import { z } from "zod";
import type { CatalogToolDefinition, JsonObject, SideEffect } from "../../../schemas";
import {
  ExecutorConnectionAdd,
  ExecutorConnectionRef,
  ExecutorConnectionRotate,
  ExecutorDecision,
  ExecutorNoInput,
  ExecutorPolicyRef,
  ExecutorPolicySet,
  ExecutorRunRef,
  ExecutorRunsList,
  ExecutorSourceAdd,
  ExecutorSourceGrant,
  ExecutorSourceRef,
  ExecutorSourceRefresh,
  ExecutorToolkitCreate,
  ExecutorToolkitRef,
} from "../../../schemas";
import { withHash } from "../../../sources/hash";

/** The built-in source every org has: its management actions as governed tools (issue 14). */
export const EXECUTOR_SLUG = "executor";
/** Its one connection, in the org scope, with no secret: every member reaches it. */
export const EXECUTOR_CONNECTION = "platform";

type Entry = { name: string; sideEffect: SideEffect; description: string; input: z.ZodType };

/**
 * Reads list and show; writes change what is placed in a scope and wait for a person's approval by
 * default (core/policy `gatesWrites`); removals are destructive. Every action runs as the caller,
 * held to the same rules as the dashboard and /v1 (an org change needs an owner).
 */
export const EXECUTOR_TOOLS: readonly Entry[] = [
  { name: "sources/list", sideEffect: "read", input: ExecutorNoInput, description: "List the sources (APIs imported from OpenAPI, GraphQL or MCP) placed in your organization and your user scope." },
  { name: "sources/get", sideEffect: "read", input: ExecutorSourceRef, description: "Show one source: its tools and what awaits review (tools added by a refresh, changed ones, ones whose destination moved)." },
  { name: "sources/add", sideEffect: "write", input: ExecutorSourceAdd, description: "Add (import) a source from an OpenAPI document (URL or uploaded text), a GraphQL endpoint or an MCP server, optionally with a first connection. Every imported operation becomes a tool." },
  { name: "sources/refresh", sideEffect: "write", input: ExecutorSourceRefresh, description: "Re-read a source's spec. New operations arrive awaiting review (not callable until granted); changed ones are flagged." },
  { name: "sources/grant", sideEffect: "write", input: ExecutorSourceGrant, description: "Grant tools that await review after a refresh, at their current definition and destination." },
  { name: "sources/remove", sideEffect: "destructive", input: ExecutorSourceRef, description: "Remove a source with its tools, connections and policies." },
  { name: "connections/list", sideEffect: "read", input: ExecutorNoInput, description: "List connections (accounts at an upstream). Secrets are never shown; only whether one is set." },
  { name: "connections/add", sideEffect: "write", input: ExecutorConnectionAdd, description: "Add a connection to a source, with its credential. The secret is write-only: sealed into the vault and never shown again." },
  { name: "connections/rotate", sideEffect: "write", input: ExecutorConnectionRotate, description: "Replace a connection's credential (the old one is deleted)." },
  { name: "connections/remove", sideEffect: "destructive", input: ExecutorConnectionRef, description: "Remove a connection and its stored secret." },
  { name: "toolkits/list", sideEffect: "read", input: ExecutorNoInput, description: "List toolkits: curated sets of tools (by address or pattern) exposed at their own MCP URL and HTTP routes." },
  { name: "toolkits/create", sideEffect: "write", input: ExecutorToolkitCreate, description: "Create a toolkit from tool addresses and patterns such as `github.*.*.issues/*`." },
  { name: "toolkits/remove", sideEffect: "destructive", input: ExecutorToolkitRef, description: "Remove a toolkit; credentials bound to it then reach no tool." },
  { name: "policies/list", sideEffect: "read", input: ExecutorNoInput, description: "List policies: approve, require_approval or block, per source, tool pattern and connection." },
  { name: "policies/set", sideEffect: "write", input: ExecutorPolicySet, description: "Add a policy. Across scopes the most restrictive wins and the organization's rules bind everyone. The executor source's own policies cannot be changed through it." },
  { name: "policies/remove", sideEffect: "destructive", input: ExecutorPolicyRef, description: "Remove a policy by id." },
  { name: "runs/list", sideEffect: "read", input: ExecutorRunsList, description: "List Runs (the record of every call), newest first; owners see everyone's, members their own." },
  { name: "runs/get", sideEffect: "read", input: ExecutorRunRef, description: "Read one Run: who called what, the admission decision and policy version, approvals, status, output or error." },
  { name: "approvals/list", sideEffect: "read", input: ExecutorNoInput, description: "List calls waiting for approval that you may decide." },
  { name: "approvals/decide", sideEffect: "write", input: ExecutorDecision, description: "Approve or deny a call waiting for approval (never one made with your own credential)." },
];

/** A tool's input as JSON Schema: the zod schema's input side, without the dialect marker. */
export function jsonSchema(input: z.ZodType): JsonObject {
  const { $schema: _dialect, ...schema } = z.toJSONSchema(input, { io: "input", unrepresentable: "any" }) as Record<string, unknown>;
  return schema as JsonObject;
}

/** Where an executor tool "sends" its request, for the grant (DESIGN invariant 6): the platform itself. */
export function executorDestination(name: string): string {
  return `executor:${name}`;
}

let cached: Promise<CatalogToolDefinition[]> | null = null;

/** The source's tool definitions, hashed like any plugin's (a change to one needs its review state re-derived). */
export function executorTools(): Promise<CatalogToolDefinition[]> {
  cached ??= Promise.all(
    EXECUTOR_TOOLS.map(async (t) => ({
      ...(await withHash({ name: t.name, description: t.description, sideEffect: t.sideEffect, inputSchema: jsonSchema(t.input), invocation: {} })),
      destination: executorDestination(t.name),
    })),
  );
  return cached;
}

/** The zod input of an executor tool, to re-parse its arguments with the /v1 rules (defaults applied). */
export function executorInput(name: string): z.ZodType | undefined {
  return EXECUTOR_TOOLS.find((t) => t.name === name)?.input;
}
