#!/usr/bin/env node
// `npx teal …`: Teal's command line, run on the server's host. It loads its TypeScript entry
// (scripts/teal-cli.ts) through tsx, with the repository's tsconfig, so it works from any directory.
import { createRequire, register } from "node:module";
import { fileURLToPath, pathToFileURL } from "node:url";
import { tsImport } from "tsx/esm/api";

// `teal validate` and `teal discover` read AWS through the server's adapters, which import
// `server-only` to keep them out of browser bundles. Outside Next there is no browser bundle to
// guard: the package's no-op entry stands in for it, as it does under vitest.
const serverOnlyNoop = pathToFileURL(
  createRequire(import.meta.url)
    .resolve("server-only")
    .replace(/index\.js$/, "empty.js"),
).href;
register(
  `data:text/javascript,${encodeURIComponent(
    `export async function resolve(specifier, context, next) { return specifier === "server-only" ? { url: ${JSON.stringify(serverOnlyNoop)}, shortCircuit: true } : next(specifier, context); }`,
  )}`,
);

const cli = await tsImport("./teal-cli.ts", {
  parentURL: import.meta.url,
  tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)),
});
process.exitCode = await cli.main(process.argv.slice(2));
