// The command line's pipeline half: commands that talk to a Teal server over HTTP with an API token
// (TEAL_URL and TEAL_TOKEN, or --url and --token), through the REST API (/api/v1) and nothing else,
// so they run wherever a pipeline runs. A command that starts an operation prints its id alone on
// stdout; `teal wait` follows it and answers with the exit code (see EXIT).
import { randomUUID } from "node:crypto";
import { parseArgs, type ParseArgsConfig } from "node:util";
import { z } from "zod";
import {
  appIdSchema,
  appsAnswerSchema,
  historyAnswerSchema,
  historyParameters,
  idempotencyKeySchema,
  nothingToDoAnswerSchema,
  operationAnswerSchema,
  operationIdSchema,
  planAnswerSchema,
  snapshotAnswerSchema,
} from "../lib/api/schemas";
import { shiftIntentSchema, type Intent } from "../lib/domain/intent";
import { isInFlightStatus, isTerminalStatus, isUnsuccessfulStatus } from "../lib/domain/operation-status";
import { EXIT, UsageError, type CliIo, type Command } from "./teal-command";
import { TealHttp, TransportFailure } from "./teal-http";

type Operation = z.infer<typeof operationAnswerSchema>["operation"];

const CONNECTION = {
  url: { type: "string" },
  token: { type: "string" },
} as const satisfies ParseArgsConfig["options"];

const CONNECTION_USAGE = "[--url URL] [--token TOKEN]";

/** The client for the server the environment or the flags name. */
function connect(values: { url?: string | undefined; token?: string | undefined }, io: CliIo): TealHttp {
  const baseUrl = values.url ?? io.env.TEAL_URL ?? "";
  const token = values.token ?? io.env.TEAL_TOKEN ?? "";
  if (baseUrl === "") throw new UsageError("no server: set TEAL_URL (or give --url), e.g. TEAL_URL=https://teal.example.com");
  if (token === "")
    throw new UsageError("no API token: set TEAL_TOKEN (or give --token); an admin creates one in Settings or with teal token create");
  try {
    return new TealHttp({
      baseUrl,
      token,
      fetch: io.fetch ?? ((request) => fetch(request)),
      sleep: io.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
    });
  } catch {
    throw new UsageError(`${baseUrl} is not an http(s) URL (TEAL_URL or --url)`);
  }
}

function operationIdOf(text: string | undefined): string {
  if (text === undefined) throw new UsageError("name the operation (the id teal shift printed)");
  if (!operationIdSchema.safeParse(text).success) throw new UsageError(`${text} is not an operation id`);
  return text;
}

function appIdOf(text: string | undefined): string {
  if (text === undefined) throw new UsageError("name the application (its id, as teal status lists it)");
  if (!appIdSchema.safeParse(text).success) throw new UsageError(`${text} is not an application id`);
  return text;
}

function percentOf(text: string | undefined): number {
  const parsed = shiftIntentSchema.shape.greenPercent.safeParse(text !== undefined && /^\d{1,3}$/.test(text) ? Number(text) : Number.NaN);
  if (!parsed.success)
    throw new UsageError(`the share of traffic for green is a whole number from 0 to 100${text === undefined ? "" : `, not ${text}`}`);
  return parsed.data;
}

function secondsOf(flag: string, text: string, min: number): number {
  const n = /^\d+(\.\d+)?$/.test(text) ? Number(text) : Number.NaN;
  if (!(n >= min)) throw new UsageError(`--${flag} takes a number of seconds (at least ${min}), not ${text}`);
  return n;
}

function positionalsOf(positionals: string[], most: number): void {
  if (positionals.length > most) throw new UsageError(`unexpected argument ${positionals[most] ?? ""}`);
}

/** An intent in a few words: "shift to 25 %", "rollback", "scale-green to 4". */
export function intentWords(intent: Intent): string {
  switch (intent.kind) {
    case "shift":
      return `shift to ${intent.greenPercent} %`;
    case "scale-green":
      return `scale-green to ${intent.capacity}`;
    case "deploy-revision":
      return `deploy-revision ${intent.taskDefinition}`;
    case "rollback":
      return intent.taskDefinition ? `rollback to ${intent.taskDefinition}` : "rollback";
    case "standby-enter":
    case "standby-exit":
      return `${intent.kind} ${intent.color}${intent.instanceIds ? ` (${intent.instanceIds.join(", ")})` : ""}`;
    case "promote":
      return "promote";
    case "progressive":
      return `progressive ${intent.preset ?? (intent.steps ? intent.steps.join("/") + " %" : "(application defaults)")}`;
  }
}

function percentText(p: number | null): string {
  return p === null ? "?" : `${p} %`;
}

/** Lines of columns, each padded to its widest cell (the last one left as is). */
function columns(rows: string[][]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) =>
    row
      .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i] ?? 0)))
      .join("  ")
      .trimEnd(),
  );
}

// ---- teal status ----

/** What `teal status APP` reads of a snapshot beyond the API's described fields. */
const healthCountsSchema = z.looseObject({ healthy: z.number(), unhealthy: z.number() });
const snapshotForStatusSchema = snapshotAnswerSchema.extend({
  state: snapshotAnswerSchema.shape.state.extend({
    observed: z.looseObject({ greenPercent: z.number().nullable() }).optional(),
    environments: z.looseObject({ blue: healthCountsSchema, green: healthCountsSchema }).optional(),
  }),
});

const status: Command = {
  usage: `teal status [APP] ${CONNECTION_USAGE}`,
  summary: "every application (id, pattern, split, health, running operation), or one application's state",
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, options: CONNECTION, allowPositionals: true, strict: true });
    positionalsOf(positionals, 1);
    const appId = positionals[0] === undefined ? undefined : appIdOf(positionals[0]);
    const http = connect(values, io);
    if (appId === undefined) {
      const { apps } = (await http.get("/api/v1/apps", appsAnswerSchema)).body;
      const rows = apps.map((a) => {
        const observed =
          a.observedGreenPercent !== null && a.observedGreenPercent !== a.configuredGreenPercent ? ` (${a.observedGreenPercent} % seen)` : "";
        const health = a.health
          ? `blue ${a.health.blue.healthy}/${a.health.blue.healthy + a.health.blue.unhealthy} green ${a.health.green.healthy}/${a.health.green.healthy + a.health.green.unhealthy} healthy`
          : "health unknown";
        const op =
          a.operation && isInFlightStatus(a.operation.status)
            ? `${a.operation.status} ${a.operation.id}: ${a.operation.summary}`
            : "no operation running";
        return [
          a.id,
          a.pattern,
          `green ${percentText(a.configuredGreenPercent)}${observed}`,
          health,
          a.error ? `${op}; read failed: ${a.error}` : op,
        ];
      });
      for (const line of columns(rows)) io.out(line);
      if (apps.length === 0) io.err("This token sees no application.");
      return EXIT.ok;
    }
    const s = (await http.get(`/api/v1/apps/${appId}`, snapshotForStatusSchema)).body;
    const env = s.state.environments;
    const observed = s.state.observed?.greenPercent;
    const lines: [string, string][] = [
      ["application", `${s.app.id} (${s.app.name}), ${s.app.pattern}, ${s.app.region}`],
      ["split", `green ${s.state.configured.greenPercent} % configured${observed === undefined ? "" : `, ${percentText(observed)} seen`}`],
      [
        "health",
        env
          ? `blue ${env.blue.healthy} healthy, ${env.blue.unhealthy} unhealthy; green ${env.green.healthy} healthy, ${env.green.unhealthy} unhealthy`
          : "unknown",
      ],
      ["green verdict", `${s.greenVerdict.label}${s.greenVerdict.figures ? `: ${s.greenVerdict.figures}` : ""}`],
      ["operation", s.operation ? `${s.operation.id} ${s.operation.status}: ${s.operation.summary}` : "none"],
      ["version", s.state.version],
    ];
    if (s.dataAgeMs !== undefined) lines.push(["read", `${Math.round(s.dataAgeMs / 1000)} s ago`]);
    if (s.readError) lines.push(["read failed", s.readError]);
    for (const [label, value] of lines) io.out(`${`${label}:`.padEnd(15)}${value}`);
    return EXIT.ok;
  },
};

// ---- teal plan ----

const plan: Command = {
  usage: `teal plan APP PERCENT ${CONNECTION_USAGE}`,
  summary: "preview the plan of shifting PERCENT % of the traffic to green: its steps, and the state version it was made for",
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, options: CONNECTION, allowPositionals: true, strict: true });
    positionalsOf(positionals, 2);
    const appId = appIdOf(positionals[0]);
    const intent: Intent = { kind: "shift", greenPercent: percentOf(positionals[1]) };
    const http = connect(values, io);
    const answer = (await http.post(`/api/v1/apps/${appId}/plans`, { intent }, planAnswerSchema, randomUUID())).body;
    if (!answer.ok) {
      io.err(`teal: ${answer.reason}`);
      return EXIT.failed;
    }
    const p = answer.plan;
    io.out(p.summary);
    if (p.nothingToDo) io.out(`${p.nothingToDo.headline} ${p.nothingToDo.detail}`);
    // Each step's title says what it does and waits for; the AWS call it makes, by its API name.
    p.steps.forEach((step, i) =>
      io.out(`${String(i + 1).padStart(3)}. ${step.title}${step.call ? ` [${step.call.service} ${step.call.operation}]` : ""}`),
    );
    if (answer.greenVerdict)
      io.out(`Green verdict: ${answer.greenVerdict.label}${answer.greenVerdict.figures ? `: ${answer.greenVerdict.figures}` : ""}`);
    io.out(`State version: ${answer.version} (give it to teal shift as --expected-version to refuse the start if AWS changes meanwhile)`);
    return EXIT.ok;
  },
};

// ---- teal shift / promote / rollback ----

const START_OPTIONS = {
  ...CONNECTION,
  reason: { type: "string" },
  "idempotency-key": { type: "string" },
  "expected-version": { type: "string" },
} as const satisfies ParseArgsConfig["options"];

const START_USAGE = `--reason TEXT [--idempotency-key KEY] [--expected-version V] ${CONNECTION_USAGE}`;

async function startOperation(
  io: CliIo,
  args: string[],
  positionalCount: number,
  intentOf: (positionals: string[], own: Record<string, string | undefined>) => Intent,
  ownOptions: Record<string, { type: "string" }> = {},
): Promise<number> {
  const { values: all, positionals } = parseArgs({ args, options: { ...START_OPTIONS, ...ownOptions }, allowPositionals: true, strict: true });
  const values = all as { [K in keyof typeof START_OPTIONS]?: string };
  const own = Object.fromEntries(Object.keys(ownOptions).map((k) => [k, (all as Record<string, string | undefined>)[k]]));
  positionalsOf(positionals, positionalCount);
  const appId = appIdOf(positionals[0]);
  const intent = intentOf(positionals, own);
  const reason = values.reason?.trim() ?? "";
  if (reason === "") throw new UsageError("say why with --reason (it goes in the audit log)");
  const given = values["idempotency-key"];
  if (given !== undefined && !idempotencyKeySchema.safeParse(given).success)
    throw new UsageError("--idempotency-key takes 1 to 200 visible ASCII characters (no spaces)");
  const key = given ?? randomUUID();
  const expectedVersion = values["expected-version"];
  const http = connect(values, io);
  const body = { intent, reason, ...(expectedVersion !== undefined ? { expectedVersion } : {}) };
  const answer = await http.post(`/api/v1/apps/${appId}/operations`, body, z.union([operationAnswerSchema, nothingToDoAnswerSchema]), key);
  const { operation } = answer.body;
  if (operation === null) {
    // Only a rollback answers this: AWS is already as it asks, and no operation is left to settle.
    const { nothingToDo } = nothingToDoAnswerSchema.parse(answer.body);
    io.err(`${nothingToDo.headline} ${nothingToDo.detail} Nothing started.`);
    return EXIT.ok;
  }
  const again = answer.replayed ? ` (already started with Idempotency-Key ${key}: nothing new started)` : "";
  io.err(`Operation ${operation.id} ${operation.status}: ${operation.summary}${again}. Follow it with: teal wait ${operation.id}`);
  io.out(operation.id);
  return EXIT.ok;
}

const shift: Command = {
  usage: `teal shift APP PERCENT ${START_USAGE}`,
  summary: "start moving PERCENT % of the traffic to green; prints the operation id alone on stdout",
  run: (args, io) => startOperation(io, args, 2, (p) => ({ kind: "shift", greenPercent: percentOf(p[1]) })),
};

const promote: Command = {
  usage: `teal promote APP ${START_USAGE}`,
  summary: "start making green the live colour; prints the operation id alone on stdout",
  run: (args, io) => startOperation(io, args, 1, () => ({ kind: "promote" })),
};

const rollback: Command = {
  usage: `teal rollback APP ${START_USAGE}`,
  summary:
    "start putting all traffic back on blue (it preempts a running operation); prints the operation id, or nothing when AWS already is on blue",
  run: (args, io) => startOperation(io, args, 1, () => ({ kind: "rollback" })),
};

/** "10,50,100" → [10, 50, 100]; the server judges the rest (increasing, 1..100, ending at 100). */
function listOf(flag: string, text: string): string[] {
  const items = text.split(",").map((x) => x.trim());
  if (items.some((x) => x === "")) throw new UsageError(`--${flag} takes a comma-separated list, e.g. 10,50,100`);
  return items;
}

function deliverIntent(own: Record<string, string | undefined>): Intent {
  const steps = own.steps === undefined ? undefined : listOf("steps", own.steps).map((x) => (/^\d{1,3}$/.test(x) ? Number(x) : NaN));
  if (steps?.some((x) => Number.isNaN(x))) throw new UsageError("--steps takes whole percents, e.g. 10,50,100");
  const gates = own.gates === undefined ? undefined : listOf("gates", own.gates);
  if (gates?.some((g) => g !== "auto" && g !== "manual")) throw new UsageError("--gates takes auto or manual for each step, e.g. auto,auto,manual");
  return {
    kind: "progressive",
    ...(own.preset !== undefined ? { preset: own.preset as NonNullable<Extract<Intent, { kind: "progressive" }>["preset"]> } : {}),
    ...(steps !== undefined ? { steps } : {}),
    ...(own.bake !== undefined ? { bakeSeconds: secondsOf("bake", own.bake, 0) } : {}),
    ...(gates !== undefined ? { gates: gates as ("auto" | "manual")[] } : {}),
  };
}

const deliver: Command = {
  usage: `teal deliver APP [--steps 10,50,100 | --preset NAME] [--bake SECONDS] [--gates auto,...,manual] ${START_USAGE}`,
  summary:
    "start a progressive delivery: green's share raised step by step, each verified in the traffic and baked while the release judge compares green with blue (a fail rolls back by itself); absent flags take the application's defaults; prints the operation id alone on stdout",
  run: (args, io) =>
    startOperation(io, args, 1, (_, own) => deliverIntent(own), {
      steps: { type: "string" },
      preset: { type: "string" },
      bake: { type: "string" },
      gates: { type: "string" },
    }),
};

// ---- teal wait ----

const DEFAULT_WAIT_SECONDS = 3600;

/** What one step says when its status changed. */
function stepLine(op: Operation, step: Operation["steps"][number]): string {
  const error = step.error ? `: ${step.error}` : "";
  return `  ${step.status.padEnd(9)} ${step.index + 1}/${op.steps.length} ${step.title}${error}`;
}

const wait: Command = {
  usage: `teal wait OPERATION [--timeout SECONDS] [--interval SECONDS] ${CONNECTION_USAGE}`,
  summary:
    `follow an operation until it ends, its steps on stderr; exit 0 succeeded, 1 failed, aborted, preempted or interrupted, ` +
    `3 still going at --timeout (default ${DEFAULT_WAIT_SECONDS}), 4 Teal unreachable or the token refused`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      options: { ...CONNECTION, timeout: { type: "string" }, interval: { type: "string" } },
      allowPositionals: true,
      strict: true,
    });
    positionalsOf(positionals, 1);
    const id = operationIdOf(positionals[0]);
    const timeoutMs = secondsOf("timeout", values.timeout ?? String(DEFAULT_WAIT_SECONDS), 0) * 1000;
    const intervalMs = secondsOf("interval", values.interval ?? "2", 0.1) * 1000;
    const http = connect(values, io);
    const now = io.now ?? Date.now;
    const sleep = io.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
    const deadline = now() + timeoutMs;
    const said = new Map<number, string>();
    let lastStatus: string | null = null;
    let failures = 0;
    for (;;) {
      let op: Operation | null = null;
      try {
        op = (await http.get(`/api/v1/operations/${id}`, operationAnswerSchema)).body.operation;
        failures = 0;
      } catch (err) {
        // A blip of the network or a restarting server does not end the wait; five in a row do.
        if (!(err instanceof TransportFailure) || ++failures >= 5) throw err;
        io.err(`teal: ${err.message}; asking again`);
      }
      if (op) {
        if (op.status !== lastStatus) {
          io.err(`Operation ${op.id} ${op.status}: ${op.summary}`);
          lastStatus = op.status;
        }
        for (const step of op.steps) {
          if (said.get(step.index) === step.status || (step.status === "pending" && !said.has(step.index))) continue;
          said.set(step.index, step.status);
          io.err(stepLine(op, step));
        }
        if (isTerminalStatus(op.status) || op.status === "interrupted") {
          const outcome = isUnsuccessfulStatus(op.status) ? EXIT.failed : EXIT.ok;
          io.err(`Operation ${op.id} ${op.status}${op.error ? `: ${op.error}` : ""}.`);
          return outcome;
        }
      }
      const left = deadline - now();
      if (left <= 0) {
        io.err(`teal: gave up waiting after ${timeoutMs / 1000} s; operation ${id} is ${lastStatus ?? "unknown"} and goes on.`);
        return EXIT.timedOut;
      }
      await sleep(Math.min(intervalMs, left));
    }
  },
};

// ---- teal abort / resume ----

/** Asks the server to abort or resume an operation; prints where it stands now. */
async function control(io: CliIo, args: string[], action: "abort" | "resume" | "hold" | "continue" | "approve"): Promise<number> {
  const { values, positionals } = parseArgs({
    args,
    options: { ...CONNECTION, reason: { type: "string" }, "idempotency-key": { type: "string" } },
    allowPositionals: true,
    strict: true,
  });
  positionalsOf(positionals, 1);
  const id = operationIdOf(positionals[0]);
  const given = values["idempotency-key"];
  if (given !== undefined && !idempotencyKeySchema.safeParse(given).success)
    throw new UsageError("--idempotency-key takes 1 to 200 visible ASCII characters (no spaces)");
  const reason = values.reason?.trim();
  const http = connect(values, io);
  const body = reason ? { reason } : {};
  const { operation } = (await http.post(`/api/v1/operations/${id}/${action}`, body, operationAnswerSchema, given ?? randomUUID())).body;
  const next = {
    abort: "it stops at its next check between steps",
    resume: "it goes on from the step it stopped in",
    hold: "it holds at its next poll (a bake's clock stops) until continued",
    continue: "it goes on at its next poll, ending the bake it is in",
    approve: "it shifts to the gated step at its next poll",
  }[action];
  io.err(`Operation ${operation.id} ${operation.status}: ${operation.summary}; ${next}. Follow it with: teal wait ${operation.id}`);
  io.out(operation.id);
  return EXIT.ok;
}

const abort: Command = {
  usage: `teal abort OPERATION [--reason TEXT] [--idempotency-key KEY] ${CONNECTION_USAGE}`,
  summary: "abort a running operation: it stops between steps, leaving AWS as its last step left it (responders and up)",
  run: (args, io) => control(io, args, "abort"),
};

const resume: Command = {
  usage: `teal resume OPERATION [--reason TEXT] [--idempotency-key KEY] ${CONNECTION_USAGE}`,
  summary: "resume an interrupted or failed operation from the step it stopped in (operators and up)",
  run: (args, io) => control(io, args, "resume"),
};

const hold: Command = {
  usage: `teal hold OPERATION [--reason TEXT] [--idempotency-key KEY] ${CONNECTION_USAGE}`,
  summary: "hold a running progressive delivery where it is: no next step until continued (operators and up)",
  run: (args, io) => control(io, args, "hold"),
};

const continueDelivery: Command = {
  usage: `teal continue OPERATION [--reason TEXT] [--idempotency-key KEY] ${CONNECTION_USAGE}`,
  summary: "continue a held progressive delivery, and end the bake it is in now (operators and up)",
  run: (args, io) => control(io, args, "continue"),
};

const approve: Command = {
  usage: `teal approve OPERATION [--reason TEXT] [--idempotency-key KEY] ${CONNECTION_USAGE}`,
  summary: "approve the manual gate a progressive delivery waits at (operators and up)",
  run: (args, io) => control(io, args, "approve"),
};

// ---- teal history ----

const history: Command = {
  usage: `teal history [APP] [--limit N] ${CONNECTION_USAGE}`,
  summary: "the latest operations, newest first (default 20)",
  async run(args, io) {
    const { values, positionals } = parseArgs({ args, options: { ...CONNECTION, limit: { type: "string" } }, allowPositionals: true, strict: true });
    positionalsOf(positionals, 1);
    const appId = positionals[0] === undefined ? undefined : appIdOf(positionals[0]);
    const limitText = values.limit ?? "20";
    const limit = historyParameters.limit.safeParse(/^\d{1,4}$/.test(limitText) ? Number(limitText) : Number.NaN);
    if (!limit.success) throw new UsageError(`--limit takes a whole number from 1 to 1000, not ${limitText}`);
    const query = new URLSearchParams({ ...(appId !== undefined ? { app: appId } : {}), limit: String(limit.data) });
    const http = connect(values, io);
    const { operations } = (await http.get(`/api/v1/history?${query}`, historyAnswerSchema)).body;
    const rows = operations.map((o) => [o.createdAt, o.id, o.appId, intentWords(o.intent), o.status, o.actor.email, o.reason]);
    for (const line of columns(rows)) io.out(line);
    if (operations.length === 0) io.err("No operations.");
    return EXIT.ok;
  },
};

/** The commands that talk to a Teal server, by name (`teal <name> …`). */
export const PIPELINE_COMMANDS: Readonly<Record<string, Command>> = {
  status,
  plan,
  shift,
  promote,
  rollback,
  deliver,
  wait,
  abort,
  resume,
  hold,
  continue: continueDelivery,
  approve,
  history,
};
