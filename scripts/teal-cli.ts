// Teal's command line (`npx teal …`). Two halves: `teal token …` is done on the server's host: it
// opens the database the server uses (DATABASE_URL, default file:data/teal.db, with the same audit
// key) and the application config (TEAL_CONFIG, default teal.config.yaml); the pipeline commands
// (status, plan, shift, promote, rollback, wait, abort, resume, history: ./teal-pipeline.ts) talk to a Teal server
// over HTTP with an API token. A command is one entry of COMMANDS.
import { parseArgs } from "node:util";
import { API_TOKEN_DEFAULT_DAYS, issueApiToken, revokeApiTokenAs } from "../lib/auth/api-token";
import { loadTealConfig } from "../lib/config/load";
import { isAppError } from "../lib/domain/app-error";
import { addLogSink } from "../lib/telemetry/log";
import { CliFailure, EXIT, UsageError, type CliIo, type Command } from "./teal-command";
import { cliActor, withStore } from "./teal-host";
import { iamPolicyCommand } from "./teal-iam";
import { PIPELINE_COMMANDS } from "./teal-pipeline";
import { ACCOUNT_COMMANDS } from "./teal-accounts";
import { USER_COMMANDS } from "./teal-users";
import { WEBHOOK_COMMANDS } from "./teal-webhooks";

export type { CliIo } from "./teal-command";

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

/** Every command: a group of commands by name (`teal token create`), or a command (`teal status`). Add one here. */
export const COMMANDS: Readonly<Record<string, Command | Readonly<Record<string, Command>>>> = {
  token: { create: tokenCreate, list: tokenList, revoke: tokenRevoke },
  user: USER_COMMANDS,
  webhook: WEBHOOK_COMMANDS,
  ...PIPELINE_COMMANDS,
  "iam-policy": iamPolicyCommand,
  ...ACCOUNT_COMMANDS,
};

function isCommand(entry: Command | Readonly<Record<string, Command>>): entry is Command {
  return typeof entry.run === "function";
}

function allCommands(): Command[] {
  return Object.values(COMMANDS).flatMap((entry) => (isCommand(entry) ? [entry] : Object.values(entry)));
}

export const EXIT_CODES_HELP = [
  "Exit codes:",
  `  ${EXIT.ok}  done (teal wait: the operation succeeded)`,
  `  ${EXIT.failed}  refused by Teal (its message is printed), or the operation failed, was aborted, preempted or interrupted`,
  `  ${EXIT.usage}  usage error`,
  `  ${EXIT.timedOut}  teal wait gave up at --timeout (the operation goes on)`,
  `  ${EXIT.unreachable}  Teal could not be reached, or refused the API token (unknown, revoked or expired)`,
].join("\n");

function usage(): string {
  const lines = ["Usage:"];
  for (const c of allCommands()) lines.push(`  ${c.usage}\n      ${c.summary}`);
  lines.push(
    "",
    "The pipeline commands (all but teal token, user, webhook, iam-policy, validate and discover) call a Teal server: TEAL_URL (its base URL)",
    "and TEAL_TOKEN (an API token) from the environment, or --url and --token. teal validate and teal discover read AWS directly, as",
    "the server does (AWS_ENDPOINT_URL for the practice range, else the SDK's default credential chain).",
    "",
    EXIT_CODES_HELP,
  );
  return lines.join("\n");
}

/** Runs one command; returns the exit code (EXIT: 0 done, 1 refused or failed, 2 misused, 3 timed out, 4 unreachable). */
export async function runTeal(argv: readonly string[], io: CliIo): Promise<number> {
  const [first, ...afterFirst] = argv;
  const entry = first !== undefined && Object.hasOwn(COMMANDS, first) ? COMMANDS[first] : undefined;
  let command: Command | undefined;
  let rest: string[] = afterFirst;
  if (entry && isCommand(entry)) command = entry;
  else if (entry) {
    const [name, ...afterName] = afterFirst;
    command = name !== undefined && Object.hasOwn(entry, name) ? entry[name] : undefined;
    rest = afterName;
  }
  if (!command) {
    io.err(usage());
    return argv.length === 0 || first === "help" || first === "--help" || first === "-h" ? EXIT.ok : EXIT.usage;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    io.err(`Usage: ${command.usage}\n  ${command.summary}\n\n${EXIT_CODES_HELP}`);
    return EXIT.ok;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof CliFailure) {
      io.err(`teal: ${err.message}`);
      return err.exitCode;
    }
    if (isAppError(err)) {
      io.err(`teal: ${err.userMessage}`);
      return EXIT.failed;
    }
    if (err instanceof UsageError || (err instanceof Error && "code" in err && String(err.code).startsWith("ERR_PARSE_ARGS"))) {
      io.err(`teal: ${err.message}\n${command.usage}`);
      return EXIT.usage;
    }
    throw err;
  }
}
/** The entry `scripts/teal.mjs` calls. */
export function main(argv: readonly string[]): Promise<number> {
  // The JSON log of the server's code the command runs (the store's development-key warning, …)
  // goes to stderr: stdout carries only the command's result, which `$(npx teal …)` captures.
  addLogSink((line) => process.stderr.write(`${line}\n`), { quiet: true });
  return runTeal(argv, {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
    cwd: process.cwd(),
  });
}
