// What every command of Teal's command line shares: how it talks to the person and the pipeline
// (CliIo), its shape (Command), the exit codes, and the two errors that choose one of them.

/** The exit codes of every command. */
export const EXIT = {
  /** Done; for `teal wait`, the operation succeeded. */
  ok: 0,
  /** Refused by Teal, or the operation failed, was aborted, preempted or interrupted. */
  failed: 1,
  /** The command line is wrong (unknown command, missing or bad argument). */
  usage: 2,
  /** `teal wait` gave up at its --timeout; the operation goes on. */
  timedOut: 3,
  /** Teal could not be reached, or did not accept the token. */
  unreachable: 4,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

export interface CliIo {
  /** The command's result (a token's secret or an operation id alone on its line, so `$(npx teal …)` captures it). */
  out(line: string): void;
  /** Everything said to the person. */
  err(line: string): void;
  env: Record<string, string | undefined>;
  cwd: string;
  /** How the client commands send HTTP requests (the global fetch unless given). */
  fetch?: (request: Request) => Promise<Response>;
  /** How `teal wait` and retries pause between requests (a timer unless given). */
  sleep?: (ms: number) => Promise<void>;
  /** The clock `teal wait --timeout` is measured on (Date.now unless given). */
  now?: () => number;
}

export interface Command {
  usage: string;
  summary: string;
  run(args: string[], io: CliIo): Promise<number>;
}

/** The command line is wrong: its message and the command's usage are printed, exit 2. */
export class UsageError extends Error {}

/** The command could not do its work: its message (user-safe) is printed as is, exit `exitCode`. */
export class CliFailure extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode,
  ) {
    super(message);
  }
}
