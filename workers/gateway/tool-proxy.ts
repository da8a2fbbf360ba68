import type { ToolProxyProps } from "../../schemas";

type ToolProxyExports = { ToolProxy: (options: { props: ToolProxyProps }) => unknown };

/**
 * How a route makes the sandbox's one way out: `ctx.exports.ToolProxy({ props })` (DESIGN §7), a
 * loopback stub of the ToolProxy entrypoint this Worker exports, with the props bound into it.
 */
export function toolProxyFactory(ctx: ExecutionContext): (props: ToolProxyProps) => unknown {
  const exports = (ctx as unknown as { exports: ToolProxyExports }).exports;
  return (props) => exports.ToolProxy({ props });
}
