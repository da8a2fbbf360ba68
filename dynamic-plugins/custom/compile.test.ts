import { describe, expect, it } from "vitest";
import zodSource from "../vendor/zod.bundle.txt";
import zodPackage from "zod/package.json";
import { compileTool } from "./compile";

describe("compiling an authored tool file", () => {
  it("strips types, points imports at the sandbox's modules and meters the code", () => {
    const out = compileTool("tools/a.ts", 'import { defineTool } from "executor";\nimport { z } from "zod";\nexport default defineTool({ name: "a", input: z.object({}), handler: async (x: number) => { for (;;) { break; } return x; } });\n');
    expect(out.ok).toBe(true);
    if (!out.ok) return;
    expect(out.usesZod).toBe(true);
    expect(out.module).toContain('from "./executor.js"');
    expect(out.module).toContain('from "./zod.js"');
    expect(out.module).not.toContain(": number");
    expect(out.module).toContain("__executor_step()");
  });

  it("names the file, line and column of a syntax error in the file as written", () => {
    expect(compileTool("tools/b.ts", "const a = 1;\nexport default {\n  x: ,\n};\n")).toMatchObject({ ok: false, file: "tools/b.ts", line: 3, column: expect.any(Number) });
  });

  it("refuses other imports, dynamic import, import.meta, a missing default export and reserved names", () => {
    expect(compileTool("tools/c.ts", 'import fs from "node:fs";\nexport default fs;')).toMatchObject({ ok: false, line: 1, message: expect.stringContaining("'node:fs'") });
    expect(compileTool("tools/c.ts", 'export { x } from "./other.js";\nexport default 1;')).toMatchObject({ ok: false, message: expect.stringContaining("'./other.js'") });
    expect(compileTool("tools/c.ts", 'export default async () => import("./x.js");')).toMatchObject({ ok: false, message: expect.stringContaining("dynamic import()") });
    expect(compileTool("tools/c.ts", "export default import.meta.url;")).toMatchObject({ ok: false, message: expect.stringContaining("import.meta") });
    expect(compileTool("tools/c.ts", "export const a = 1;")).toMatchObject({ ok: false, message: expect.stringContaining("no default export") });
    expect(compileTool("tools/c.ts", "const __executor_step = () => 0;\nexport default 1;")).toMatchObject({ ok: false, message: expect.stringContaining("reserved") });
  });

  it("accepts an already-bundled module with no imports (what a CLI's esbuild makes)", () => {
    expect(compileTool("tools/d.js", "var d = { name: 'd' };\nexport { d as default };\n").ok).toBe(true);
  });

  it("ships the zod the platform itself is built with (scripts/vendor-zod.mjs)", () => {
    expect(zodSource.split("\n")[0]).toBe(`// zod ${zodPackage.version} (MIT), bundled by scripts/vendor-zod.mjs for custom-tool sandboxes.`);
  });
});
