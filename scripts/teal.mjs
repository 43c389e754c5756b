#!/usr/bin/env node
// `npx teal …`: Teal's command line, run on the server's host. It loads its TypeScript entry
// (scripts/teal-cli.ts) through tsx, with the repository's tsconfig, so it works from any directory.
import { fileURLToPath } from "node:url";
import { tsImport } from "tsx/esm/api";

const cli = await tsImport("./teal-cli.ts", {
  parentURL: import.meta.url,
  tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)),
});
process.exitCode = await cli.main(process.argv.slice(2));
