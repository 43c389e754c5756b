// No ARN or account id reaches a browser: AWS's resource names carry the account id, and pages and
// API answers need only which resource it is. Applied where the server answers (lib/http/route.ts,
// lib/api/respond.ts, the history page); the server itself keeps and uses the full ARNs.

/**
 * An ARN with an account id: `arn:partition:service:region:account:resource`. The resource part
 * may itself hold colons and slashes (`listener/app/shop/…`, `task-definition/web:42`).
 */
const ARN_WITH_ACCOUNT = /arn:aws[a-z-]*:([a-z0-9-]+):[a-z0-9-]*:\d{12}:([A-Za-z0-9_\-/.:+=,@*]+)/g;

/**
 * What a browser is shown of an ARN: its resource part (`targetgroup/shop-blue/73e2…`,
 * `listener/app/shop/…/…`, `service/demo/web`), and for an ECS task definition its
 * `family:revision`, the name ECS takes in place of the ARN (so a revision a page sends back, to
 * deploy or roll back to, still names it).
 */
export function shortArn(service: string, resource: string): string {
  if (service === "ecs" && resource.startsWith("task-definition/")) return resource.slice("task-definition/".length);
  return resource;
}

/** `text` with every ARN that names an account replaced by its short form (shortArn). */
export function withoutArnsInText(text: string): string {
  return text.includes("arn:aws") ? text.replace(ARN_WITH_ACCOUNT, (_m, service: string, resource: string) => shortArn(service, resource)) : text;
}

/**
 * A copy of a JSON value (what a route answers) with every ARN in its strings shortened; values
 * with no ARN come back as they were. Object keys are left alone.
 */
export function withoutArns<T>(value: T): T {
  return strip(value) as T;
}

function strip(value: unknown): unknown {
  if (typeof value === "string") return withoutArnsInText(value);
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((v) => {
      const s = strip(v);
      if (s !== v) changed = true;
      return s;
    });
    return changed ? out : value;
  }
  if (value !== null && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const s = strip(v);
      if (s !== v) changed = true;
      out[k] = s;
    }
    return changed ? out : value;
  }
  return value;
}
