// `teal iam-policy`: prints the IAM policy the configured applications need (lib/iam/policy.ts),
// as JSON on stdout; what it could not scope, and what it cannot generate, goes to stderr. It reads
// the application config only (TEAL_CONFIG, default teal.config.yaml) and calls no AWS API.
import { parseArgs } from "node:util";
import { ConfigError, loadTealConfig } from "../lib/config/load";
import { iamPolicy } from "../lib/iam/policy";
import { CliFailure, EXIT, UsageError, type Command } from "./teal-command";

/** `--zone NAME=ID`, repeated: hosted zone ids by name (lower case, trailing dot). */
function zoneIds(values: string[]): Record<string, string> {
  const ids: Record<string, string> = {};
  for (const value of values) {
    const m = /^([A-Za-z0-9._-]+?)\.?=(?:\/hostedzone\/)?(Z[A-Z0-9]{4,})$/.exec(value);
    if (!m?.[1] || !m[2]) throw new UsageError(`--zone ${value}: write the zone's name and its id, e.g. --zone example.com.=Z0123456789ABCDEFGHIJ`);
    ids[`${m[1].toLowerCase()}.`] = m[2];
  }
  return ids;
}

export const iamPolicyCommand: Command = {
  usage: "teal iam-policy [--account 123456789012] [--zone example.com.=Z…]…",
  summary: "print the IAM policy the configured applications need (least privilege, scoped to their resources)",
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { account: { type: "string" }, zone: { type: "string", multiple: true } },
      strict: true,
    });
    const account = values.account;
    if (account !== undefined && !/^\d{12}$/.test(account)) throw new UsageError(`--account ${account}: an AWS account id is 12 digits`);
    let config;
    try {
      config = loadTealConfig(io.env.TEAL_CONFIG || "teal.config.yaml", io.cwd);
    } catch (err) {
      if (err instanceof ConfigError) throw new CliFailure(err.message, EXIT.failed);
      throw err;
    }
    const { policy, notes } = iamPolicy(config.applications, { ...(account !== undefined ? { account } : {}), zoneIds: zoneIds(values.zone ?? []) });
    for (const note of notes) io.err(`note: ${note}`);
    if (account === undefined) io.err("note: resources name any account (*); give --account to scope them to yours.");
    io.out(JSON.stringify(policy, null, 2));
    return 0;
  },
};
