// Teal's layer rules as one ESLint rule. Every import is resolved to the folder it reaches — through
// the "@/" alias, a relative path or an index file alike — and checked against the table below, so
// "../../range/demo/seed" is caught exactly like "@/range/demo/seed".
import path from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

/** Folders whose code is test support or the emulator: never part of the app a user runs. */
const TEST_SUPPORT = ["range", "test"];

/** Folders whose code may import the AWS SDK: the adapters, the emulator (its seeding) and test support. */
const SDK_USERS = ["lib/aws", "range", "test"];

/**
 * Who may import what, by the importer's folder. `allow` lists the project folders the layer may
 * import (its own folder always); anything else under lib/, components/ or app/ is refused. A layer
 * not listed here may import any project folder except test support.
 */
export const LAYERS = {
  "lib/domain": { allow: [], why: "lib/domain is the vocabulary: it depends on nothing else in Teal." },
  "lib/telemetry": {
    allow: [],
    why: "lib/telemetry (the log and the metrics registry) is used by every server layer: it depends on nothing in Teal.",
  },
  "lib/config": { allow: ["lib/domain"], why: "lib/config reads the configuration file only." },
  "lib/aws": { allow: ["lib/domain", "lib/telemetry"], why: "lib/aws adapts the AWS SDK to Teal's vocabulary; it knows nothing above it." },
  "lib/store": {
    allow: ["lib/domain", "lib/config", "lib/telemetry"],
    why: "lib/store keeps the journal and audit; it knows nothing of AWS or the engine.",
  },
  "lib/metrics": { allow: ["lib/domain", "lib/aws", "lib/config", "lib/telemetry"], why: "lib/metrics reads CloudWatch through lib/aws only." },
  "lib/patterns": {
    allow: ["lib/domain", "lib/aws", "lib/config", "lib/metrics", "lib/telemetry"],
    why: "lib/patterns observes through lib/aws and plans purely.",
  },
  "lib/engine": {
    allow: ["lib/domain", "lib/aws", "lib/store", "lib/telemetry"],
    why: "lib/engine runs plans: lib/aws for calls, lib/store for the journal.",
  },
  range: {
    allow: ["lib/config"],
    why: "range/ is the practice range: an emulator of AWS that stands on its own, like the AWS it replaces; it reads only Teal's config file, where the demo applications are defined once.",
  },
  components: {
    allow: ["lib/domain", "lib/actions"],
    why: "components/ render props and call server actions: no AWS, database, engine or runtime.",
  },
};

/** lib/auth/safe-redirect.ts is pure and shared with the browser's sign-in form. */
const SHARED_FILES = ["lib/auth/safe-redirect.ts"];

function isTestFile(relFile) {
  return /\.test\.tsx?$/.test(relFile) || relFile.startsWith("e2e/") || relFile.startsWith("scripts/");
}

/** "lib/aws", "components", "app" … for a path relative to the root; null outside the app's folders. */
export function layerOf(rel) {
  const parts = rel.split("/");
  if (parts[0] === "lib" && parts.length >= 2) return `lib/${parts[1]}`;
  if (["components", "app", "range", "test"].includes(parts[0])) return parts[0];
  return null;
}

/** The file an import reaches, relative to the root, or null for a package. */
export function resolveImport(fromRel, spec) {
  let abs;
  if (spec.startsWith("@/")) abs = path.join(ROOT, spec.slice(2));
  else if (spec.startsWith(".")) abs = path.resolve(ROOT, path.dirname(fromRel), spec);
  else return null;
  return path.relative(ROOT, abs).split(path.sep).join("/");
}

const rule = {
  meta: {
    type: "problem",
    docs: { description: "Teal's layers: which folder may import which (resolved paths, not spellings)." },
    schema: [],
    messages: { refused: "{{from}} may not import {{to}}: {{why}}" },
  },
  create(context) {
    const rel = path.relative(ROOT, context.filename).split(path.sep).join("/");
    const from = layerOf(rel);
    const testFile = isTestFile(rel);
    function check(node, spec) {
      if (typeof spec !== "string") return;
      const isSdk = spec.startsWith("@aws-sdk/");
      if (isSdk) {
        if (!SDK_USERS.includes(from) && !testFile) {
          context.report({ node, messageId: "refused", data: { from: rel, to: spec, why: "only lib/aws imports the AWS SDK." } });
        }
        return;
      }
      const target = resolveImport(rel, spec);
      if (target === null || from === null || testFile) return;
      const to = layerOf(target);
      if (to === null || to === from) return;
      if (SHARED_FILES.some((f) => target === f || target === f.replace(/\.ts$/, ""))) return;
      const support = TEST_SUPPORT.find((t) => to === t);
      if (support && !TEST_SUPPORT.includes(from)) {
        context.report({
          node,
          messageId: "refused",
          data: { from: rel, to: target, why: `${support} is test support or the practice range; the app never imports it.` },
        });
        return;
      }
      const layer = LAYERS[from];
      if (layer && !layer.allow.includes(to)) {
        context.report({ node, messageId: "refused", data: { from: rel, to: target, why: layer.why } });
      }
    }
    return {
      ImportDeclaration(node) {
        check(node, node.source.value);
      },
      ExportNamedDeclaration(node) {
        if (node.source) check(node, node.source.value);
      },
      ExportAllDeclaration(node) {
        check(node, node.source.value);
      },
      ImportExpression(node) {
        if (node.source.type === "Literal") check(node, node.source.value);
      },
    };
  },
};

export default { rules: { layers: rule } };
