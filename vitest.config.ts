import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: {
    tsconfigPaths: true,
    // `server-only` throws unless bundled for the server; under test it is the no-op it is there.
    alias: { "server-only": fileURLToPath(new URL("./node_modules/server-only/empty.js", import.meta.url)) },
  },
  test: {
    include: [
      "lib/**/*.test.ts",
      "range/**/*.test.ts",
      "test/**/*.test.ts",
      "components/**/*.test.ts",
      "app/**/*.test.ts",
      "scripts/**/*.test.ts",
      "eslint/**/*.test.ts",
    ],
    exclude: ["e2e/**", "node_modules/**", ".next/**"],
    environment: "node",
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
  },
});
