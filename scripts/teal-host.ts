// What the host commands (`teal token`, `teal user`) share: they run on the server's host, against
// the database the server uses, and the audit log names the host's user as their actor.
import { hostname, userInfo } from "node:os";
import type { Actor } from "../lib/domain/operation";
import { openStore, type Store } from "../lib/store/store";
import type { CliIo } from "./teal-command";

export const DEFAULT_DATABASE_URL = "file:data/teal.db";

/** Who the audit log names for what the command line does: the host's user, as an admin. */
export function cliActor(): Actor {
  let user = "unknown";
  try {
    user = userInfo().username;
  } catch {
    // No user name on this host: the audit says "unknown".
  }
  return { id: `cli:${user}`, email: `${user}@${hostname()} (teal command line)`, role: "admin" };
}

/** Runs `run` on the server's database (DATABASE_URL, default file:data/teal.db), closed after. */
export async function withStore<T>(io: CliIo, run: (store: Store) => Promise<T>): Promise<T> {
  const store = await openStore(io.env.DATABASE_URL || DEFAULT_DATABASE_URL);
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}
