// The account commands of Teal's command line: `teal validate` checks the configuration against the
// live account, read-only; `teal discover` prints the configuration that the account's `teal:*`
// tags describe. Both talk to AWS directly, as the server does (AWS_ENDPOINT_URL for the practice
// range, else AWS with the SDK's default credential chain; an application's assumeRole when it
// names one), not through a Teal server.
import { parseArgs } from "node:util";
import { accountClients } from "../lib/accounts/clients";
import { discover, discoveryYaml } from "../lib/accounts/discover";
import { formatValidation, validateApp, type AppValidation } from "../lib/accounts/validate";
import { loadTealConfig } from "../lib/config/load";
import { assumeRoleSchema } from "../lib/config/schema";
import { EXIT, UsageError, type Command } from "./teal-command";

const validate: Command = {
  usage: "teal validate [--config FILE] [--app ID] [--json]",
  summary:
    "check every application of the config against the live account (read-only): what is missing, inconsistent or denied; exit 1 unless all is found and consistent",
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { config: { type: "string" }, app: { type: "string" }, json: { type: "boolean" } },
      strict: true,
    });
    const config = loadTealConfig(values.config ?? (io.env.TEAL_CONFIG || "teal.config.yaml"), io.cwd);
    const apps = values.app === undefined ? config.applications : config.applications.filter((a) => a.id === values.app);
    if (apps.length === 0) throw new UsageError(`there is no application ${values.app ?? ""} in the config`);
    const clientsFor = accountClients(io.env);
    const results: AppValidation[] = [];
    // One application after the other: a validation is a handful of reads each, and AWS's rate limits are per account.
    for (const app of apps) results.push(await validateApp(clientsFor(app.region, app.assumeRole), app));
    if (values.json === true) io.out(JSON.stringify(results, null, 2));
    else io.out(formatValidation(results));
    const counts = { missing: 0, inconsistent: 0, denied: 0, error: 0 };
    for (const r of results) for (const c of r.checks) if (c.status !== "ok") counts[c.status] += 1;
    io.err(
      `${results.length} application${results.length === 1 ? "" : "s"} checked: ${counts.missing} missing, ${counts.inconsistent} inconsistent, ${counts.denied} denied, ${counts.error} unreadable.`,
    );
    return counts.missing + counts.inconsistent + counts.denied + counts.error > 0 ? EXIT.failed : EXIT.ok;
  },
};

const REGION = /^[a-z]{2}(-[a-z]+)+-\d$/;

const discoverCommand: Command = {
  usage: "teal discover [--region REGION] [--role-arn ARN [--external-id ID]]",
  summary:
    "print the config (teal.config.yaml) that the resources tagged teal:app, teal:color and teal:pattern describe, saying what could not be determined; exit 1 when an application was left out",
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { region: { type: "string" }, "role-arn": { type: "string" }, "external-id": { type: "string" } },
      strict: true,
    });
    const region = values.region ?? (io.env.AWS_REGION || "us-east-1");
    if (!REGION.test(region)) throw new UsageError(`${region} is not an AWS region such as us-east-1`);
    const roleArn = values["role-arn"];
    const externalId = values["external-id"];
    if (externalId !== undefined && roleArn === undefined) throw new UsageError("--external-id goes with --role-arn");
    const role = roleArn === undefined ? undefined : assumeRoleSchema.safeParse({ roleArn, ...(externalId !== undefined ? { externalId } : {}) });
    if (role !== undefined && !role.success) throw new UsageError(role.error.issues.map((i) => i.message).join("; "));
    const found = await discover(accountClients(io.env)(region, role?.data));
    io.out(discoveryYaml(found).trimEnd());
    const left = new Set(found.notes.map((n) => n.appId).filter((id) => !found.applications.some((a) => a.id === id)));
    io.err(`${found.applications.length} application${found.applications.length === 1 ? "" : "s"} found in ${region}; ${left.size} left out.`);
    return left.size > 0 || found.unread.length > 0 ? EXIT.failed : EXIT.ok;
  },
};

/** The account commands, for the COMMANDS table of scripts/teal-cli.ts. */
export const ACCOUNT_COMMANDS: Readonly<Record<string, Command>> = { validate, discover: discoverCommand };
