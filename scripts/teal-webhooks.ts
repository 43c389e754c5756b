// `teal webhook …`: webhooks, done on the server's host like `teal token …` and `teal user …`: it
// opens the database the server uses (DATABASE_URL, default file:data/teal.db, with the same audit
// key) and checks applications against the server's configuration (TEAL_CONFIG, default
// teal.config.yaml). A webhook's URL often carries a token: it can be piped in with --url-stdin
// instead of showing in `ps` and the shell's history, and it is only ever printed redacted.
import { parseArgs } from "node:util";
import { ConfigError, loadTealConfig } from "../lib/config/load";
import { WEBHOOK_EVENTS } from "../lib/domain/webhook";
import { createWebhookAs, removeWebhookAs } from "../lib/notify/admin";
import { CliFailure, EXIT, UsageError, type CliIo, type Command } from "./teal-command";
import { cliActor, withStore } from "./teal-host";

async function stdinText(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('--url-stdin reads the URL from a pipe, e.g. `printf %s "$HOOK" | teal webhook add …`');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString("utf8").trim();
}

function list(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

function configuredApps(io: CliIo): Set<string> {
  try {
    return new Set(loadTealConfig(io.env.TEAL_CONFIG || "teal.config.yaml", io.cwd).applications.map((a) => a.id));
  } catch (err) {
    if (err instanceof ConfigError) throw new CliFailure(err.message, EXIT.failed);
    throw err;
  }
}

const webhookAdd: Command = {
  usage: "teal webhook add --name NAME (--url URL | --url-stdin) --events EVENT,… [--format generic|slack] [--apps APP,…]",
  summary: `add a webhook (events among ${WEBHOOK_EVENTS.join(", ")}); its signing secret is printed once`,
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        name: { type: "string" },
        url: { type: "string" },
        "url-stdin": { type: "boolean" },
        format: { type: "string" },
        events: { type: "string" },
        apps: { type: "string" },
      },
      strict: true,
    });
    if (values.name === undefined || values.events === undefined) throw new UsageError("give the webhook's --name and --events");
    if ((values.url === undefined) === (values["url-stdin"] !== true)) throw new UsageError("give the URL with --url or --url-stdin (one of them)");
    const url = values.url ?? (await stdinText());
    const apps = configuredApps(io);
    const input = { name: values.name, url, format: values.format ?? "generic", events: list(values.events), apps: list(values.apps) };
    const created = await withStore(io, (store) => createWebhookAs(store, cliActor(), input, (id) => apps.has(id)));
    io.err(`Added webhook ${created.webhook.name} (${created.webhook.id}) to ${created.webhook.urlRedacted}.`);
    io.err("Its signing secret: copy it now, it is not shown again.");
    io.out(created.secret);
    return 0;
  },
};

const webhookList: Command = {
  usage: "teal webhook list",
  summary: "list webhooks (URLs redacted) and their last delivery",
  async run(args, io) {
    parseArgs({ args, options: {}, strict: true });
    const [webhooks, deliveries] = await withStore(io, (store) =>
      Promise.all([store.webhooks.listWebhooks(), store.webhooks.listDeliveries({ limit: 500 })]),
    );
    for (const w of webhooks) {
      const last = deliveries.find((d) => d.webhookId === w.id);
      const lastText = last ? `last delivery ${last.status} (${last.attempts.length} attempts) ${last.createdAt}` : "no delivery yet";
      io.out(`${w.id}  ${w.name}  ${w.urlRedacted}  ${w.format}  ${w.events.join(",")}  ${w.apps ? w.apps.join(",") : "all"}  ${lastText}`);
    }
    if (webhooks.length === 0) io.err("No webhooks.");
    return 0;
  },
};

const webhookRemove: Command = {
  usage: "teal webhook remove ID",
  summary: "remove a webhook; its deliveries not yet made are given up",
  async run(args, io) {
    const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true });
    const [id] = positionals;
    if (positionals.length !== 1 || id === undefined) throw new UsageError("name one webhook by its id (teal webhook list)");
    const webhook = await withStore(io, (store) => removeWebhookAs(store, cliActor(), id));
    io.err(`Removed webhook ${webhook.name} (${webhook.id}).`);
    return 0;
  },
};

/** The `teal webhook` commands (COMMANDS in ./teal-cli.ts). */
export const WEBHOOK_COMMANDS: Readonly<Record<string, Command>> = { add: webhookAdd, list: webhookList, remove: webhookRemove };
