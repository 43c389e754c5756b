import { expect, test, type APIResponse } from "@playwright/test";
import { actionId, APP_ID, greenSlider, openApp, signIn, signInWithForm } from "./helpers";

function directives(policy: string | undefined): Map<string, string> {
  return new Map(
    (policy ?? "")
      .split(";")
      .map((d) => d.trim())
      .filter(Boolean)
      .map((d) => [d.split(" ")[0] ?? d, d] as const),
  );
}

function expectStaticHeaders(res: APIResponse): void {
  const h = res.headers();
  expect(h["x-content-type-options"]).toBe("nosniff");
  expect(h["referrer-policy"]).toBe("strict-origin-when-cross-origin");
  expect(h["permissions-policy"]).toContain("camera=()");
  expect(h["x-frame-options"]).toBe("DENY");
  expect(h["x-powered-by"]).toBeUndefined();
}

test("pages carry a strict Content-Security-Policy with a fresh nonce on every response", async ({ request }) => {
  const first = await request.get("/signin");
  const second = await request.get("/signin");
  expect(first.status()).toBe(200);
  expectStaticHeaders(first);
  const policy = directives(first.headers()["content-security-policy"]);
  const script = policy.get("script-src") ?? "";
  const nonce = /'nonce-([^']+)'/.exec(script)?.[1];
  expect(nonce).toBeTruthy();
  expect(script).toContain("'strict-dynamic'");
  expect(script).not.toContain("'unsafe-inline'");
  expect(first.headers()["content-security-policy"]).not.toContain("unsafe-eval");
  expect(policy.get("frame-ancestors")).toBe("frame-ancestors 'none'");
  expect(policy.get("object-src")).toBe("object-src 'none'");
  expect(second.headers()["content-security-policy"]).not.toBe(first.headers()["content-security-policy"]);
  // Every script tag of the page, inline ones included, carries the nonce.
  const html = await first.text();
  const scripts = html.match(/<script\b[^>]*>/g) ?? [];
  expect(scripts.length).toBeGreaterThan(0);
  for (const tag of scripts) expect(tag).toContain(`nonce="${nonce}"`);
});

test("/favicon.ico answers with Teal's icon, signed out too, not 404", async ({ request }) => {
  const res = await request.get("/favicon.ico");
  expect(res.status()).toBe(200);
  expect(res.headers()["content-type"]).toContain("image/svg+xml");
  expect(await res.text()).toContain("<svg");
});

test("API routes carry the static headers and a policy that lets nothing run", async ({ request }) => {
  for (const path of ["/api/health", "/api/apps", `/api/apps/${APP_ID}/snapshot`]) {
    const res = await request.get(path);
    expect([200, 401]).toContain(res.status());
    expectStaticHeaders(res);
    expect(res.headers()["content-security-policy"]).toBe("default-src 'none'; frame-ancestors 'none'");
  }
});

test("the app page works under the policy: no violation reported, session cookie HttpOnly and SameSite", async ({ page, context }) => {
  const violations: string[] = [];
  page.on("console", (msg) => {
    if (/Content Security Policy|Refused to (execute|load|apply)/i.test(msg.text())) violations.push(msg.text());
  });
  await page.addInitScript(() => {
    document.addEventListener("securitypolicyviolation", (e) =>
      console.error(`Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  // The session cookie as the sign-in form sets it.
  await signInWithForm(page, "operator@example.com");
  await openApp(page);
  await expect(greenSlider(page)).toBeVisible();
  await page.goto("/overview");
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  expect(violations).toEqual([]);
  const session = (await context.cookies()).find((c) => c.name.endsWith("next-auth.session-token"));
  expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax" });
});

test("a server action posted from a foreign origin is refused before it runs", async ({ page, baseURL }) => {
  await signIn(page, "admin@example.com");
  const post = (id: string, origin: string, args: unknown[]) =>
    page.request.post(`/apps/${APP_ID}`, {
      headers: { "next-action": id, origin, "content-type": "text/plain;charset=UTF-8", accept: "text/x-component" },
      data: JSON.stringify(args),
    });
  const abort = actionId("abortOperation");
  const missing = { appId: APP_ID, operationId: "no-such-operation" };

  // Same origin: the action runs and answers (there is no such operation to abort).
  const same = await post(abort, baseURL ?? "", [missing]);
  expect(same.status()).toBe(200);
  expect(await same.text()).toContain("not_found");

  // Foreign origin, same session cookie: Next refuses the request and the action never runs.
  const foreign = await post(abort, "https://evil.example", [missing]);
  expect(foreign.status()).toBeGreaterThanOrEqual(400);
  expect(await foreign.text()).not.toContain("not_found");

  const before = await page.request.get("/api/history/operations?format=json");
  const count = ((await before.json()) as { operations: unknown[] }).operations.length;
  const rollback = await post(actionId("rollback"), "https://evil.example", [{ appId: APP_ID, reason: "cross-site" }]);
  expect(rollback.status()).toBeGreaterThanOrEqual(400);
  const after = await page.request.get("/api/history/operations?format=json");
  expect(((await after.json()) as { operations: unknown[] }).operations.length).toBe(count);
});
