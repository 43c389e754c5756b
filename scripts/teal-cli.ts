// Teal's command line (`npx teal <group> <command>`), for what is done on the server's host rather
// than in the console: for now, bootstrapping pipelines with API tokens. It opens the database the
// server uses (DATABASE_URL, default file:data/teal.db, with the same audit key) and the
// application config (TEAL_CONFIG, default teal.config.yaml). A command is one entry of COMMANDS.
import { hostname, userInfo } from "node:os";
import { parseArgs } from "node:util";
import { API_TOKEN_DEFAULT_DAYS, issueApiToken, revokeApiTokenAs } from "../lib/auth/api-token";
import { loadTealConfig } from "../lib/config/load";
import { isAppError } from "../lib/domain/app-error";
import type { Actor } from "../lib/domain/operation";
import { openStore, type Store } from "../lib/store/store";

const DEFAULT_DATABASE_URL = "file:data/teal.db";

export interface CliIo {
  /** The command's result (a new token's secret alone on its line, so `$(npx teal …)` captures it). */
  out(line: string): void;
  /** Everything said to the person. */
  err(line: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
}

interface Command {
  usage: string;
  summary: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** Who the audit log names for what the command line does: the host's user. */
function cliActor(): Actor {
  let user = "unknown";
  try {
    user = userInfo().username;
  } catch {
    // No user name on this host: the audit says "unknown".
  }
  return { id: `cli:${user}`, email: `${user}@${hostname()} (teal command line)`, role: "admin" };
}

async function withStore<T>(io: CliIo, run: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(io.env.DATABASE_URL || DEFAULT_DATABASE_URL);
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

const tokenCreate: Command = {
  usage: "teal token create --name NAME --role viewer|responder|operator [--apps a,b] [--expires-in-days N]",
  summary: `create an API token and print it once (expires after ${API_TOKEN_DEFAULT_DAYS} days unless told)`,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { name: { type: "string" }, role: { type: "string" }, apps: { type: "string" }, "expires-in-days": { type: "string" } },
      strict: true,
    });
    const days = values["expires-in-days"];
    const request = {
      name: values.name,
      role: values.role,
      ...(values.apps !== undefined ? { apps: values.apps.split(",").map((a) => a.trim()) } : {}),
      ...(days !== undefined ? { expiresInDays: /^\d{1,6}$/.test(days) ? Number(days) : days } : {}),
    };
    const knownApps = loadTealConfig(io.env.TEAL_CONFIG || "teal.config.yaml", io.cwd).applications.map((a) => a.id);
    const created = await withStore(io, (store) => issueApiToken(store, cliActor(), request, { knownApps }));
    const { token } = created;
    io.err(
      `Created API token "${token.name}" (${token.role}, ${token.apps ? token.apps.join(", ") : "every application"}), expires ${token.expiresAt}.`,
    );
    io.err("Copy it now: it is not shown again. Send it as Authorization: Bearer <token>.");
    io.out(created.secret);
    return 0;
  },
};

const tokenList: Command = {
  usage: "teal token list",
  summary: "list API tokens (never their secrets)",
  async run(args, io) {
    parseArgs({ args, options: {}, strict: true });
    const tokens = await withStore(io, (store) => store.listApiTokens());
    const now = new Date().toISOString();
    for (const t of tokens) {
      const state = t.revokedAt ? `revoked ${t.revokedAt}` : t.expiresAt <= now ? `expired ${t.expiresAt}` : `active until ${t.expiresAt}`;
      io.out(`${t.id}  ${t.name}  ${t.role}  ${t.apps ? t.apps.join(",") : "all"}  ${state}  last used ${t.lastUsedAt ?? "never"}`);
    }
    if (tokens.length === 0) io.err("No API tokens.");
    return 0;
  },
};

const tokenRevoke: Command = {
  usage: "teal token revoke ID|NAME",
  summary: "revoke an API token (by id, or the name of a live one)",
  async run(args, io) {
    const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true });
    const [which] = positionals;
    if (positionals.length !== 1 || which === undefined) throw new UsageError("name one token: its id or the name of a live one");
    const token = await withStore(io, async (store) => {
      const now = new Date().toISOString();
      const all = await store.listApiTokens();
      const match = all.find((t) => t.id === which) ?? all.find((t) => t.name === which && t.revokedAt === null && t.expiresAt > now);
      if (!match) throw new UsageError(`there is no API token ${which} (see teal token list)`);
      return revokeApiTokenAs(store, cliActor(), match.id);
    });
    io.err(`Revoked API token "${token.name}" (${token.id}) at ${token.revokedAt ?? "?"}.`);
    return 0;
  },
};

/** Every command, by group and name. Add a group or a command here. */
export const COMMANDS: Readonly<Record<string, Readonly<Record<string, Command>>>> = {
  token: { create: tokenCreate, list: tokenList, revoke: tokenRevoke },
};

class UsageError extends Error {}

function usage(): string {
  const lines = ["Usage:"];
  for (const group of Object.values(COMMANDS)) for (const c of Object.values(group)) lines.push(`  ${c.usage}\n      ${c.summary}`);
  return lines.join("\n");
}

/** Runs one command; returns the exit code (0 done, 1 refused or failed, 2 misused). */
export async function runTeal(argv: readonly string[], io: CliIo): Promise<number> {
  const [group, name, ...rest] = argv;
  const command = group !== undefined && name !== undefined ? COMMANDS[group]?.[name] : undefined;
  if (!command) {
    io.err(usage());
    return argv.length === 0 || group === "help" || group === "--help" ? 0 : 2;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (isAppError(err)) {
      io.err(`teal: ${err.userMessage}`);
      return 1;
    }
    if (err instanceof UsageError || (err instanceof Error && "code" in err && String(err.code).startsWith("ERR_PARSE_ARGS"))) {
      io.err(`teal: ${err.message}\n${command.usage}`);
      return 2;
    }
    throw err;
  }
}

/** The entry `scripts/teal.mjs` calls. */
export function main(argv: readonly string[]): Promise<number> {
  return runTeal(argv, {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
    cwd: process.cwd(),
  });
}
