import { z } from "zod";
import { progressiveDefaultsSchema } from "@/lib/domain/progressive";

const awsName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9._:/-]+$/, "use letters, digits and . _ : / -");

const appId = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/, "use lower-case letters, digits and dashes, e.g. shop-api");

const dnsName = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[A-Za-z0-9*._-]+\.?$/, "a DNS name such as shop.example.com.")
  .transform((name) => (name.endsWith(".") ? name.toLowerCase() : `${name.toLowerCase()}.`));

/**
 * A role in another account that Teal assumes (STS AssumeRole) for one application's calls, with
 * the server's own credentials (the SDK's default chain) as the source. See README "Use with real
 * AWS" for the trust policy the role needs.
 */
export const assumeRoleSchema = z
  .object({
    roleArn: z
      .string()
      .max(2048)
      .regex(/^arn:aws(-cn|-us-gov)?:iam::\d{12}:role\/[\w+=,.@/-]{1,512}$/, "a role ARN such as arn:aws:iam::123456789012:role/teal"),
    /** The external id the role's trust policy asks for (sts:ExternalId), if any. */
    externalId: z
      .string()
      .min(2)
      .max(1224)
      .regex(/^[\w+=,.@:/-]+$/, "letters, digits and + = , . @ : / -")
      .optional(),
    /** The session name AWS's records (CloudTrail) show for Teal's calls; default "teal". */
    sessionName: z
      .string()
      .min(2)
      .max(64)
      .regex(/^[\w+=,.@-]+$/, "2 to 64 letters, digits and + = , . @ -")
      .optional(),
  })
  .strict();

const region = z
  .string()
  .regex(/^[a-z]{2}(-[a-z]+)+-\d$/, "an AWS region such as us-east-1")
  .default("us-east-1");

const colourDnsWeighted = z.object({
  /** The weighted record's SetIdentifier for this colour. */
  setIdentifier: z.string().min(1).max(128),
  /** The classic load balancer in front of this colour's instances. */
  loadBalancer: awsName,
});

export const dnsWeightedAppSchema = z.object({
  id: appId,
  name: z.string().min(1).max(100),
  pattern: z.literal("dns-weighted"),
  region,
  assumeRole: assumeRoleSchema.optional(),
  progressive: progressiveDefaultsSchema.optional(),
  dns: z.object({
    hostedZone: z.string().min(1).max(255),
    recordName: dnsName,
    recordType: z.enum(["A", "AAAA", "CNAME"]).default("CNAME"),
  }),
  blue: colourDnsWeighted,
  green: colourDnsWeighted,
});

const common = {
  id: appId,
  name: z.string().min(1).max(100),
  region,
  /** Assume this role for the application's calls (another account); absent: the server's own credentials. */
  assumeRole: assumeRoleSchema.optional(),
  /** This application's defaults for progressive deliveries (steps or preset, bake, gates, judge); a run may override each. */
  progressive: progressiveDefaultsSchema.optional(),
};

/** A load balancer an Auto Scaling group is attached to: a classic ELB, or an ALB target group. */
const asgLoadBalancer = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("classic"), name: awsName }),
  z.object({ kind: z.literal("target-group"), targetGroup: awsName, loadBalancer: awsName.optional() }),
]);

export const asgSwapAppSchema = z.object({
  ...common,
  pattern: z.literal("asg-swap"),
  loadBalancer: asgLoadBalancer,
  blue: z.object({ autoScalingGroup: awsName }),
  green: z.object({
    autoScalingGroup: awsName,
    /** Green's size while it carries no traffic (after a rollback), usually 0. */
    idleCapacity: z.number().int().min(0).default(0),
  }),
});

const launchSpec = z.union([
  z.object({ launchConfiguration: awsName }).strict(),
  z
    .object({
      launchTemplate: z.object({
        id: z
          .string()
          .regex(/^lt-[0-9a-f]+$/, "a launch template id such as lt-0abc…")
          .optional(),
        name: awsName.optional(),
        version: z.string().regex(/^(\d+|\$Latest|\$Default)$/, "a version number, $Latest or $Default"),
      }),
    })
    .strict(),
]);

export const launchSwapAppSchema = z.object({
  ...common,
  pattern: z.literal("launch-swap"),
  autoScalingGroup: awsName,
  loadBalancer: asgLoadBalancer,
  blue: launchSpec,
  green: launchSpec,
});

export const ecsDnsSwapAppSchema = z.object({
  ...common,
  pattern: z.literal("ecs-dns-swap"),
  cluster: awsName,
  dns: z.object({ hostedZone: z.string().min(1).max(255), recordName: dnsName, recordType: z.enum(["A", "AAAA"]).default("A") }),
  blue: z.object({ service: awsName, setIdentifier: z.string().min(1).max(128), loadBalancer: awsName, targetGroup: awsName.optional() }),
  green: z.object({ service: awsName, setIdentifier: z.string().min(1).max(128), loadBalancer: awsName, targetGroup: awsName.optional() }),
});

export const ecsElbSwapAppSchema = z.object({
  ...common,
  pattern: z.literal("ecs-elb-swap"),
  cluster: awsName,
  loadBalancer: awsName,
  /**
   * Both services register into ONE target group (name it for both colours): the ALB spreads a
   * group's requests evenly over its targets, so green's share = its share of the running tasks.
   */
  blue: z.object({ service: awsName, targetGroup: awsName }),
  green: z.object({ service: awsName, targetGroup: awsName }),
  /** The task budget blue and green share (blue's desired count before the first shift); default: both desired counts. */
  totalTasks: z.number().int().min(1).max(1000).optional(),
});

export const ecsRollingAppSchema = z.object({
  ...common,
  pattern: z.literal("ecs-rolling"),
  cluster: awsName,
  service: awsName,
  loadBalancer: awsName.optional(),
  targetGroup: awsName.optional(),
});

export const albWeightedAppSchema = z.object({
  ...common,
  pattern: z.literal("alb-weighted"),
  loadBalancer: awsName,
  listenerPort: z.number().int().min(1).max(65535).default(80),
  /** Weights live on this rule (by priority); without it, on the listener's default action. */
  rulePriority: z.number().int().min(1).max(50000).optional(),
  blue: z.object({ targetGroup: awsName }),
  green: z.object({ targetGroup: awsName }),
});

export const appConfigSchema = z.discriminatedUnion("pattern", [
  dnsWeightedAppSchema,
  asgSwapAppSchema,
  launchSwapAppSchema,
  ecsDnsSwapAppSchema,
  ecsElbSwapAppSchema,
  ecsRollingAppSchema,
  albWeightedAppSchema,
]);

/** Thresholds of the default green judge (lib/domain/green-verdict.ts); each one optional. */
export const greenJudgeSchema = z
  .object({
    minRequests: z.number().int().min(1).max(1_000_000_000),
    errorZ: z.number().min(0).max(20),
    minErrorRateDiff: z.number().min(0).max(1),
    maxErrorRate: z.number().min(0).max(1),
    p99Ratio: z.number().min(1).max(100),
    p99MarginMs: z.number().min(0).max(600_000),
    meanRatio: z.number().min(1).max(100),
    meanMarginMs: z.number().min(0).max(600_000),
    maxP99Ms: z.number().min(0).max(600_000),
    maxMeanMs: z.number().min(0).max(600_000),
  })
  .partial()
  .strict();

export const tealConfigSchema = z
  .object({
    applications: z.array(appConfigSchema).min(1, "name at least one application"),
    /** How green is judged against blue (header, overview, wall, and the check before more traffic goes to green). */
    greenJudge: greenJudgeSchema.optional(),
    /** After an operation's calls, observed and configured green shares this many points apart (or fewer) read as settled (default 5). */
    settleTolerancePoints: z.number().min(0.5).max(50).optional(),
  })
  .superRefine((cfg, ctx) => {
    const seen = new Set<string>();
    cfg.applications.forEach((app, i) => {
      if (seen.has(app.id)) {
        ctx.addIssue({ code: "custom", path: ["applications", i, "id"], message: `duplicate application id "${app.id}"` });
      }
      seen.add(app.id);
      if ((app.pattern === "dns-weighted" || app.pattern === "ecs-dns-swap") && app.blue.setIdentifier === app.green.setIdentifier) {
        ctx.addIssue({
          code: "custom",
          path: ["applications", i, "green", "setIdentifier"],
          message: "blue and green need different set identifiers",
        });
      }
    });
  });

export type DnsWeightedAppConfig = z.infer<typeof dnsWeightedAppSchema>;
export type AsgSwapAppConfig = z.infer<typeof asgSwapAppSchema>;
export type LaunchSwapAppConfig = z.infer<typeof launchSwapAppSchema>;
export type EcsDnsSwapAppConfig = z.infer<typeof ecsDnsSwapAppSchema>;
export type EcsElbSwapAppConfig = z.infer<typeof ecsElbSwapAppSchema>;
export type EcsRollingAppConfig = z.infer<typeof ecsRollingAppSchema>;
export type AlbWeightedAppConfig = z.infer<typeof albWeightedAppSchema>;
export type AppConfig = z.infer<typeof appConfigSchema>;
export type AssumeRoleConfig = z.infer<typeof assumeRoleSchema>;
export type TealConfig = z.infer<typeof tealConfigSchema>;

const bool = z.enum(["0", "1", "true", "false"]).transform((v) => v === "1" || v === "true");

/**
 * The audit chain's settings (read by the store, and checked with the rest of the environment at
 * start-up). See `lib/store/audit-key.ts`.
 */
export const auditEnvSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  TEAL_DEMO_USERS: bool.default(false),
  /** The audit chain's HMAC key; required in production, kept nowhere in the database. */
  TEAL_AUDIT_KEY: z.string().min(32, "at least 32 characters (openssl rand -base64 32)").optional(),
  /** Where the chain head is exported: a file (appended, one JSON line per export) or an http(s) webhook URL. */
  TEAL_AUDIT_HEAD_SINK: z
    .string()
    .min(1)
    .refine((v) => !/^[a-z][a-z0-9+.-]*:\/\//i.test(v) || /^(https?|file):\/\//i.test(v), "a file path, or an http(s):// webhook URL")
    .optional(),
  /** Least time between two exports of the chain head (an export follows a write once it has passed). */
  TEAL_AUDIT_EXPORT_MS: z.coerce.number().int().min(0).max(86_400_000).default(10_000),
});

/** Production (not the demo on the practice range) refuses to run without TEAL_AUDIT_KEY. */
export function auditKeyRequired(env: { NODE_ENV: string; TEAL_DEMO_USERS: boolean }): boolean {
  return env.NODE_ENV === "production" && !env.TEAL_DEMO_USERS;
}

const AUDIT_KEY_MISSING = "required in production: a secret of at least 32 characters kept outside the database (openssl rand -base64 32)";

export function refineAuditKey(env: z.infer<typeof auditEnvSchema>, ctx: z.RefinementCtx): void {
  if (auditKeyRequired(env) && env.TEAL_AUDIT_KEY === undefined)
    ctx.addIssue({ code: "custom", path: ["TEAL_AUDIT_KEY"], message: AUDIT_KEY_MISSING });
}

const DEMO_USERS_ON_AWS =
  "the demo users' password is published, so they sign in only on the practice range or another emulator (AWS_ENDPOINT_URL set); " +
  "against real AWS unset it and sign in with OIDC (OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET)";

/** The demo users against real AWS (no AWS_ENDPOINT_URL) would open it to anyone who read the README: refused. */
export function refineDemoUsers(env: { TEAL_DEMO_USERS: boolean; AWS_ENDPOINT_URL?: string | undefined }, ctx: z.RefinementCtx): void {
  if (env.TEAL_DEMO_USERS && (env.AWS_ENDPOINT_URL ?? "") === "")
    ctx.addIssue({ code: "custom", path: ["TEAL_DEMO_USERS"], message: DEMO_USERS_ON_AWS });
}

/** The services the AWS budget counts (lib/aws/read-budget.ts), as `TEAL_READ_BUDGET_LIMITS` names them. */
const BUDGET_SERVICE_NAMES = ["route53", "elb", "elbv2", "autoscaling", "ecs", "ec2", "cloudwatch"] as const;
type BudgetServiceName = (typeof BUDGET_SERVICE_NAMES)[number];

/**
 * `service=rate/burst,…`, e.g. `route53=10/50,ecs=20/50`: the account's rate limits (requests per
 * second, bucket size) where they differ from the documented ones (docs/aws-behaviour.md §8.1).
 */
const budgetLimits = z
  .string()
  .max(500)
  .transform((text, ctx) => {
    const limits: Partial<Record<BudgetServiceName, { ratePerSecond: number; burst: number }>> = {};
    for (const part of text
      .split(",")
      .map((p) => p.trim())
      .filter((p) => p !== "")) {
      const match = /^([a-z0-9]+)=(\d+(?:\.\d+)?)\/(\d+(?:\.\d+)?)$/.exec(part);
      const service = BUDGET_SERVICE_NAMES.find((s) => s === match?.[1]);
      const ratePerSecond = Number(match?.[2]);
      const burst = Number(match?.[3]);
      if (!match || service === undefined || !(ratePerSecond > 0) || !(burst >= 1)) {
        ctx.addIssue({
          code: "custom",
          message: `"${part}": write service=rate/burst with a service among ${BUDGET_SERVICE_NAMES.join(", ")}, a rate above 0 and a burst of at least 1 (e.g. route53=10/50)`,
        });
        return z.NEVER;
      }
      limits[service] = { ratePerSecond, burst };
    }
    return limits;
  });

export const envSchema = z
  .object({
    ...auditEnvSchema.shape,
    TEAL_CONFIG: z.string().default("teal.config.yaml"),
    AWS_REGION: z.string().default("us-east-1"),
    /** Where the AWS SDK clients send requests: the practice range, LocalStack, or unset for real AWS. */
    AWS_ENDPOINT_URL: z.url("a URL such as http://127.0.0.1:4580").optional(),
    DATABASE_URL: z.string().default("file:data/teal.db"),
    NEXTAUTH_SECRET: z.string().min(16, "at least 16 characters (openssl rand -base64 32)").optional(),
    /** How often the server refreshes an application's snapshot, whatever the number of viewers. */
    /**
     * How often the server refreshes an application's snapshot while it is watched (its page open)
     * or busy (an operation in flight), whatever the number of viewers.
     */
    TEAL_REFRESH_MS: z.coerce.number().int().min(1000).max(300_000).default(5000),
    /**
     * How often the server refreshes every other application (the overview and the wall read these):
     * a change made outside Teal shows within this interval. Never faster than TEAL_REFRESH_MS.
     */
    TEAL_IDLE_REFRESH_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
    /**
     * Every how many idle refreshes an application's load balancer health (classic ELB
     * `DescribeInstanceHealth`, ELBv2 `DescribeTargetHealth`, one AWS call per load balancer or
     * target group) is read again; the refreshes between take the last answer, and the overview
     * says how old it is. 1 reads it at every refresh. An open page, an operation and a plan always
     * read it. See docs/aws-behaviour.md §8.3.
     */
    TEAL_IDLE_HEALTH_EVERY: z.coerce.number().int().min(1).max(10).default(2),
    /**
     * Whole CloudWatch periods the pages' metric reads ask for again at each new period, because
     * CloudWatch may still add late datapoints to the latest ones (docs/aws-behaviour.md §6.5).
     */
    TEAL_METRICS_REREAD_PERIODS: z.coerce.number().int().min(0).max(15).default(3),
    /** Multiplier on every wait timeout and poll interval (the practice range's fast clock uses < 1). */
    TEAL_WAIT_SCALE: z.coerce.number().positive().max(10).default(1),
    /**
     * The share of each service's account rate limit Teal's reads and calls may use (0 < f ≤ 1;
     * default 0.5), or `off` to count nothing and hold no page read back. See docs/aws-behaviour.md §8.3.
     */
    TEAL_READ_BUDGET: z.union([z.literal("off"), z.coerce.number().gt(0).max(1)]).default(0.5),
    /** The account's rate limits where they differ from the documented ones: `route53=10/50,ecs=20/50`. */
    TEAL_READ_BUDGET_LIMITS: budgetLimits.default({}),
    /** How long a page's read may wait for its turn in the budget before it fails (and the page shows its last good data). */
    TEAL_READ_BUDGET_WAIT_MS: z.coerce.number().int().min(0).max(60_000).default(5_000),
    /**
     * How long an idle read (an application only the overview and the wall show) may wait for its
     * turn (ms); unset, one idle interval (`TEAL_IDLE_REFRESH_MS`). Nobody waits for such a read:
     * the pages answer with the last good data meanwhile. See docs/aws-behaviour.md §8.3.
     */
    TEAL_READ_BUDGET_IDLE_WAIT_MS: z.coerce.number().int().min(0).max(600_000).optional(),
    /**
     * The window (ms) in which the pages' Describe* reads of many applications are merged into few AWS
     * calls (0 = the same macrotask; default 5), or `off` to send each alone. See docs/aws-behaviour.md §8.4.
     */
    TEAL_READ_BATCH_MS: z.union([z.literal("off"), z.coerce.number().int().min(0).max(1_000)]).default(5),
    /** The lowest level the server's JSON log writes (lib/telemetry/log.ts reads it itself; checked here). */
    TEAL_LOG_LEVEL: z.enum(["debug", "info", "warn", "error"]).default("info"),
    /**
     * When set, `/metrics` answers only requests with `Authorization: Bearer <this token>`; unset,
     * it answers anyone who can reach the server (scraped from inside the network).
     */
    TEAL_METRICS_TOKEN: z.string().min(16, "at least 16 characters (openssl rand -hex 32)").optional(),
    OIDC_ISSUER: z.url().optional(),
    OIDC_CLIENT_ID: z.string().optional(),
    OIDC_CLIENT_SECRET: z.string().optional(),
    /** The ID-token claim that carries groups/roles (default "roles"). */
    OIDC_ROLE_CLAIM: z.string().optional(),
    /** "group=role,group=role": maps claim values to Teal roles. */
    OIDC_ROLE_MAP: z.string().optional(),
    /** The role of a user none of whose claim values is mapped; unset: such a user is refused. */
    OIDC_DEFAULT_ROLE: z.enum(["", "viewer", "responder", "operator", "admin"]).optional(),
    OIDC_NAME: z.string().optional(),
  })
  .superRefine((env, ctx) => {
    refineAuditKey(env, ctx);
    refineDemoUsers(env, ctx);
  });

export type TealEnv = z.infer<typeof envSchema>;
