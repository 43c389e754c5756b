// `teal user …`: local users, done on the server's host like `teal token …`: it opens the database
// the server uses (DATABASE_URL, default file:data/teal.db, with the same audit key). A password is
// never taken from the command line (it would show in `ps` and the shell's history): it is read
// from stdin with --password-stdin, or made by Teal and printed once.
import { parseArgs } from "node:util";
import { createLocalUserAs, disableLocalUserAs } from "../lib/auth/local-users";
import { UsageError, type Command } from "./teal-command";
import { cliActor, withStore } from "./teal-host";

/** The password piped in: the whole of stdin, without its final line break. */
async function passwordFromStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('--password-stdin reads the password from a pipe, e.g. `printf %s "$PW" | teal user create …`');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks)
    .toString("utf8")
    .replace(/\r?\n$/, "");
}

const userCreate: Command = {
  usage: "teal user create --email EMAIL --role viewer|responder|operator|admin [--password-stdin]",
  summary: "create a local user; the password is read from stdin, or made and printed once",
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { email: { type: "string" }, role: { type: "string" }, "password-stdin": { type: "boolean" } },
      strict: true,
    });
    if (values.email === undefined || values.role === undefined) throw new UsageError("give the user's --email and --role");
    const password = values["password-stdin"] ? await passwordFromStdin() : undefined;
    const created = await withStore(io, (store) =>
      createLocalUserAs(store, cliActor(), { email: values.email, role: values.role, ...(password !== undefined ? { password } : {}) }),
    );
    io.err(`Created local user ${created.user.email} (${created.user.role}).`);
    if (created.generatedPassword !== null) {
      io.err("Their password, made by Teal: copy it now, it is not shown again.");
      io.out(created.generatedPassword);
    }
    return 0;
  },
};

const userList: Command = {
  usage: "teal user list",
  summary: "list local users (never their passwords)",
  async run(args, io) {
    parseArgs({ args, options: {}, strict: true });
    const users = await withStore(io, (store) => store.listLocalUsers());
    for (const u of users)
      io.out(`${u.email}  ${u.role}  ${u.disabledAt ? `disabled ${u.disabledAt}` : "active"}  created ${u.createdAt} by ${u.createdBy.email}`);
    if (users.length === 0) io.err("No local users.");
    return 0;
  },
};

const userDisable: Command = {
  usage: "teal user disable EMAIL",
  summary: "stop a local user signing in; their sessions end at their next check",
  async run(args, io) {
    const { positionals } = parseArgs({ args, options: {}, allowPositionals: true, strict: true });
    const [email] = positionals;
    if (positionals.length !== 1 || email === undefined) throw new UsageError("name one user by email");
    const user = await withStore(io, (store) => disableLocalUserAs(store, cliActor(), email));
    io.err(`Disabled local user ${user.email} at ${user.disabledAt ?? "?"}.`);
    return 0;
  },
};

/** The `teal user` commands (COMMANDS in ./teal-cli.ts). */
export const USER_COMMANDS: Readonly<Record<string, Command>> = { create: userCreate, list: userList, disable: userDisable };
