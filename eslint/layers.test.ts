import path from "node:path";
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

// Lints probe files with the project's real configuration: each forbidden import must be refused
// whatever its spelling, and the allowed ones must pass. Weakening a layer rule fails a probe here.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: root });
});

async function layerErrors(file: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: path.join(root, file) });
  return (result?.messages ?? []).filter((m) => m.ruleId === "teal/layers").map((m) => m.message);
}

const refused: { file: string; code: string; why: RegExp }[] = [
  { file: "components/app/probe.tsx", code: 'import { getStore } from "@/lib/store";\nexport const x = getStore;\n', why: /lib\/store/ },
  { file: "components/app/probe.tsx", code: 'import { getStore } from "../../lib/store";\nexport const x = getStore;\n', why: /lib\/store/ },
  { file: "components/app/probe.tsx", code: 'import { seed } from "../../range/demo/seed";\nexport const x = seed;\n', why: /practice range/ },
  {
    file: "lib/engine/probe.ts",
    code: 'import { startTestRange } from "../../test/support/range";\nexport const x = startTestRange;\n',
    why: /test support/,
  },
  { file: "range/world/probe.ts", code: 'import { getStore } from "@/lib/store";\nexport const x = getStore;\n', why: /stands on its own/ },
  {
    file: "range/demo/probe.ts",
    code: 'import { planFor } from "../../lib/patterns/registry";\nexport const x = planFor;\n',
    why: /stands on its own/,
  },
  {
    file: "range/protocols/probe.ts",
    code: 'import { helper } from "../../test/support/range";\nexport const x = helper;\n',
    why: /stands on its own/,
  },
  {
    file: "components/app/probe.tsx",
    code: 'import { createEngine } from "@/lib/engine/index";\nexport const x = createEngine;\n',
    why: /lib\/engine/,
  },
  {
    file: "components/app/probe.tsx",
    code: 'import { getRuntime } from "@/lib/runtime/runtime";\nexport const x = getRuntime;\n',
    why: /lib\/runtime/,
  },
  { file: "components/app/probe.tsx", code: 'import { S3Client } from "@aws-sdk/client-s3";\nexport const x = S3Client;\n', why: /AWS SDK/ },
  { file: "components/app/probe.tsx", code: 'export { getStore } from "@/lib/store";\n', why: /lib\/store/ },
  { file: "components/app/probe.tsx", code: 'export const load = () => import("@/lib/aws/ecs");\n', why: /lib\/aws/ },
  { file: "lib/aws/probe.ts", code: 'import { planFor } from "../patterns/registry";\nexport const x = planFor;\n', why: /lib\/patterns/ },
  { file: "lib/domain/probe.ts", code: 'import { loadConfig } from "@/lib/config/load";\nexport const x = loadConfig;\n', why: /depends on nothing/ },
  { file: "lib/store/probe.ts", code: 'import { createEngine } from "../engine";\nexport const x = createEngine;\n', why: /lib\/engine/ },
  { file: "lib/engine/probe.ts", code: 'import { planFor } from "@/lib/patterns/registry";\nexport const x = planFor;\n', why: /lib\/patterns/ },
  { file: "lib/patterns/probe.ts", code: 'import { getStore } from "@/lib/store";\nexport const x = getStore;\n', why: /lib\/store/ },
  {
    file: "lib/patterns/probe.ts",
    code: 'import { Route53Client } from "@aws-sdk/client-route-53";\nexport const x = Route53Client;\n',
    why: /AWS SDK/,
  },
  {
    file: "lib/runtime/probe.ts",
    code: 'import { startRange } from "@/range/protocols/server";\nexport const x = startRange;\n',
    why: /practice range/,
  },
  { file: "app/api/probe/route.ts", code: 'import { harness } from "@/test/security/harness";\nexport const x = harness;\n', why: /test support/ },
  {
    file: "lib/actions/probe.ts",
    code: 'import { crash } from "../../test/reliability/crash-suite";\nexport const x = crash;\n',
    why: /test support/,
  },
];

const allowed: { file: string; code: string }[] = [
  { file: "components/app/probe.tsx", code: 'import type { AppState } from "@/lib/domain/app-state";\nexport type X = AppState;\n' },
  { file: "components/app/probe.tsx", code: 'import { rollback } from "@/lib/actions/rollback";\nexport const x = rollback;\n' },
  { file: "lib/patterns/probe.ts", code: 'import { toAppError } from "../aws/errors";\nexport const x = toAppError;\n' },
  { file: "lib/aws/probe.ts", code: 'import { S3Client } from "@aws-sdk/client-s3";\nexport const x = S3Client;\n' },
  { file: "range/demo/probe.ts", code: 'import { Route53Client } from "@aws-sdk/client-route-53";\nexport const x = Route53Client;\n' },
  { file: "range/demo/probe.ts", code: 'import { world } from "../world/world";\nexport const x = world;\n' },
  { file: "range/demo/probe.ts", code: 'import { loadDemoConfig } from "@/lib/config/load";\nexport const x = loadDemoConfig;\n' },
  { file: "test/support/probe.ts", code: 'import { getStore } from "@/lib/store";\nexport const x = getStore;\n' },
  { file: "lib/patterns/probe.test.ts", code: 'import { startRange } from "@/range/protocols/server";\nexport const x = startRange;\n' },
];

describe("layer rules", () => {
  for (const probe of refused) {
    it(`refuses in ${probe.file}: ${probe.code.split("\n")[0]}`, async () => {
      const errors = await layerErrors(probe.file, probe.code);
      expect(errors.length, `no layer error for ${probe.code}`).toBeGreaterThan(0);
      expect(errors.join("\n")).toMatch(probe.why);
    });
  }
  for (const probe of allowed) {
    it(`allows in ${probe.file}: ${probe.code.split("\n")[0]}`, async () => {
      expect(await layerErrors(probe.file, probe.code)).toEqual([]);
    });
  }
});
