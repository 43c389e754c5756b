import { readFileSync } from "node:fs";
import path from "node:path";
import { parse } from "yaml";
import type { z } from "zod";
import { envSchema, tealConfigSchema, type TealConfig, type TealEnv } from "./schema";

/** A configuration problem: the message names the field and how to fix it. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

function describeIssues(source: string, error: z.ZodError): string {
  const lines = error.issues.map((issue) => {
    const where = issue.path.length ? issue.path.join(".") : "(root)";
    return `  - ${where}: ${issue.message}`;
  });
  return `${source} is invalid:\n${lines.join("\n")}`;
}

/** Parses and validates the application config text; throws ConfigError naming each bad field. */
export function parseTealConfig(text: string, source = "teal.config.yaml"): TealConfig {
  let raw: unknown;
  try {
    raw = parse(text);
  } catch (err) {
    throw new ConfigError(`${source} is not valid YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
  const result = tealConfigSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(describeIssues(source, result.error));
  return result.data;
}

export function loadTealConfig(file: string, cwd = process.cwd()): TealConfig {
  const full = path.resolve(cwd, file);
  let text: string;
  try {
    text = readFileSync(/*turbopackIgnore: true*/ full, "utf8");
  } catch {
    throw new ConfigError(`Cannot read the application config ${file}: create it or set TEAL_CONFIG to its path.`);
  }
  return parseTealConfig(text, file);
}

export function parseEnv(env: Record<string, string | undefined>): TealEnv {
  const result = envSchema.safeParse(env);
  if (!result.success) throw new ConfigError(describeIssues("The environment", result.error));
  return result.data;
}

/**
 * The practice range's demo applications are defined once, in the repository's own config file
 * (not TEAL_CONFIG, which may describe real AWS): the range seeds its world from it and the tests
 * read their application ids, names and resource names from it.
 */
export const DEMO_CONFIG_FILE = "teal.config.yaml";

/** The demo applications' config (the repository's teal.config.yaml, relative to `root`). */
export function loadDemoConfig(root = process.cwd()): TealConfig {
  return loadTealConfig(DEMO_CONFIG_FILE, root);
}
