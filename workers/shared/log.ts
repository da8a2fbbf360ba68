/**
 * The one way an unexpected error reaches the log: its class and stack frames, keyed by a correlation
 * id the caller is also given. Neither the message nor request data is logged, since either could
 * carry a secret (DESIGN invariant 1). Used by the HTTP error model (errors.ts) and the MCP server.
 */
export function logUnexpected(correlationId: string, error: unknown): void {
  console.error(JSON.stringify({ level: "error", correlationId, name: errorName(error), stack: stackOf(error) }));
}

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : typeof error;
}

function stackOf(error: unknown): string | undefined {
  // Frames only ("    at …"): a multi-line message continues past the first line of the stack.
  return error instanceof Error ? error.stack?.split("\n").filter((l) => /^\s+at /.test(l)).slice(0, 8).join("\n") : undefined;
}
