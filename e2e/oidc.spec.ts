import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { expect, test, type Browser, type Page } from "@playwright/test";
import { IDP_USERS, startTestOidcProvider, type IdpUser, type TestOidcProvider } from "../test/support/oidc-provider";
import { axe } from "./axe";
import { SHOP } from "./demo-apps";
import { greenSlider, signIn, signInWithForm } from "./helpers";

// Single sign-on end to end: a real OpenID Connect provider (test/support/oidc-provider.ts) and a
// Teal server of this spec's own, configured for it (OIDC_* with groups mapped to roles) over the
// world's practice range. The world's server keeps its environment: no other spec sees an identity
// provider's button. People sign in through the provider's own form and come back with the role
// their groups give, or are refused when no group gives one. Then a local user made with
// `teal user create` on the world's database, and one an admin makes on the settings page, sign in
// through the world's email form.

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLIENT_ID = "teal";
const CLIENT_SECRET = "teal-test-client-secret";
const IDP_NAME = "Acme SSO";

let idp: TestOidcProvider;
let teal: ChildProcess;
let tealUrl = "";
let dataDir = "";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`Teal exited with code ${child.exitCode}`);
    const ok = await fetch(`${url}/api/health`)
      .then((r) => r.ok)
      .catch(() => false);
    if (ok) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`Teal did not answer at ${url} within ${timeoutMs / 1000} s`);
}

function user(username: string): IdpUser {
  const found = IDP_USERS.find((u) => u.username === username);
  if (!found) throw new Error(`no test identity provider user ${username}`);
  return found;
}

/** From Teal's sign-in page through the provider's form and back. */
async function signInThroughProvider(page: Page, who: IdpUser): Promise<void> {
  await page.goto(`${tealUrl}/signin`);
  await page.getByRole("button", { name: `Sign in with ${IDP_NAME}` }).click();
  await expect(page).toHaveURL(new RegExp(`^${idp.issuer}/interaction/`));
  await expect(page.getByRole("heading", { name: "Test identity provider" })).toBeVisible();
  await page.getByLabel("Username").fill(who.username);
  await page.getByLabel("Password").fill(who.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

async function freshPage(browser: Browser): Promise<Page> {
  const context = await browser.newContext({ baseURL: tealUrl, viewport: { width: 1440, height: 900 } });
  return context.newPage();
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  const rangeUrl = process.env.RANGE_URL;
  if (!rangeUrl) throw new Error("RANGE_URL is set by the Playwright config.");
  const port = await freePort();
  tealUrl = `http://127.0.0.1:${port}`;
  idp = await startTestOidcProvider({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUri: `${tealUrl}/api/auth/callback/oidc` });
  dataDir = mkdtempSync(path.join(os.tmpdir(), "teal-e2e-oidc-"));
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const name of ["NODE_ENV", "TEAL_AUDIT_KEY", "TEAL_DEMO_USERS", "RANGE_FLEET", "TEAL_CONFIG"]) delete env[name];
  teal = spawn(process.execPath, [path.join(ROOT, "scripts", "start.mjs"), "--no-build"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "pipe"],
    // Its own process group, so the whole server (start.mjs and Next) is stopped at the end.
    detached: true,
    env: {
      ...env,
      PORT: String(port),
      // The world's practice range: start.mjs then starts none of its own.
      AWS_ENDPOINT_URL: rangeUrl,
      DATABASE_URL: `file:${path.join(dataDir, "teal.db")}`,
      NEXTAUTH_SECRET: "e2e-oidc-secret-not-for-production-0123456789",
      NEXTAUTH_URL: tealUrl,
      // No demo users: a production server, which needs its audit key from the environment.
      TEAL_AUDIT_KEY: "e2e-oidc-audit-key-not-for-production-0123456789",
      // Nobody opens an application page here for long: read AWS rarely.
      TEAL_REFRESH_MS: "5000",
      TEAL_IDLE_REFRESH_MS: "60000",
      OIDC_ISSUER: idp.issuer,
      OIDC_CLIENT_ID: CLIENT_ID,
      OIDC_CLIENT_SECRET: CLIENT_SECRET,
      OIDC_NAME: IDP_NAME,
      OIDC_ROLE_CLAIM: "groups",
      OIDC_ROLE_MAP: "deployers=operator,viewers=viewer",
    },
  });
  // What the server said last, for the error when it does not start.
  let said = "";
  const keep = (d: Buffer) => (said = (said + d.toString()).slice(-4000));
  teal.stdout?.on("data", keep);
  teal.stderr?.on("data", keep);
  try {
    await waitForHealth(tealUrl, teal, 120_000);
  } catch (err) {
    throw new Error(`${err instanceof Error ? err.message : String(err)}\n${said}`);
  }
});

test.afterAll(async () => {
  if (teal?.pid && teal.exitCode === null) {
    const exited = new Promise((resolve) => teal.once("exit", resolve));
    process.kill(-teal.pid, "SIGTERM");
    await exited;
  }
  await idp?.close();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

test("the sign-in page offers the identity provider first, and passes axe in both themes", async ({ browser }, testInfo) => {
  const page = await freshPage(browser);
  for (const theme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: theme });
    await page.addInitScript((t) => localStorage.setItem("teal-theme", t), theme);
    await page.goto(`${tealUrl}/signin`);
    await expect(page.getByRole("button", { name: `Sign in with ${IDP_NAME}` })).toBeEnabled();
    await expect(page.getByText("or with email and password")).toBeVisible();
    // Not the practice range's world for this server: no demo sign-ins are offered.
    await expect(page.getByRole("complementary", { name: "Practice range sign-ins" })).toHaveCount(0);
    const results = await axe(page).analyze();
    expect(results.violations.flatMap((v) => v.nodes.map((n) => `${theme}: ${v.id} ${n.target.join(" ")}`))).toEqual([]);
    await page.screenshot({ path: testInfo.outputPath(`signin-oidc-${theme}-1440.png`) });
  }
  await page.context().close();
});

test("alice, in the deployers group, signs in through the provider as an operator and may shift traffic", async ({ browser }) => {
  const page = await freshPage(browser);
  await signInThroughProvider(page, user("alice"));
  await expect(page).toHaveURL(`${tealUrl}/overview`);
  const banner = page.getByRole("banner");
  await expect(banner).toContainText("alice@idp.example");
  await expect(banner).toContainText("Operator");
  await page.goto(`/apps/${SHOP.id}`);
  await expect(greenSlider(page)).toBeEnabled({ timeout: 60_000 });
  const session = (await (await page.request.get("/api/auth/session")).json()) as { user?: { email?: string; role?: string } };
  expect(session.user).toMatchObject({ email: "alice@idp.example", role: "operator" });
  await page.context().close();
});

test("bob, in the viewers group, signs in as a viewer: no slider, and the server refuses him a shift", async ({ browser }) => {
  const page = await freshPage(browser);
  await signInThroughProvider(page, user("bob"));
  await expect(page).toHaveURL(`${tealUrl}/overview`);
  await expect(page.getByRole("banner")).toContainText("Viewer");
  await page.goto(`/apps/${SHOP.id}`);
  await expect(page.getByRole("img", { name: /^Configured split:/ })).toBeVisible({ timeout: 60_000 });
  await expect(greenSlider(page)).toHaveCount(0);
  expect((await page.request.get(`/api/apps/${SHOP.id}/plan?intent=shift&greenPercent=10`)).status()).toBe(403);
  await page.context().close();
});

test("carol, in no mapped group, is refused with a message saying why, and is not signed in", async ({ browser }, testInfo) => {
  const page = await freshPage(browser);
  await signInThroughProvider(page, user("carol"));
  await expect(page).toHaveURL(/\/signin\?.*error=AccessDenied/);
  const alert = page.getByRole("main").getByRole("alert");
  await expect(alert).toContainText("Teal has no role for your account.");
  await expect(alert).toContainText(`Your ${IDP_NAME} account is in no group that gives a role in Teal.`);
  await page.screenshot({ path: testInfo.outputPath("signin-oidc-refused-1440.png") });
  await page.goto("/overview");
  await expect(page).toHaveURL(/\/signin/);
  await page.context().close();
});

test("a wrong password on the provider's form keeps the person there", async ({ browser }) => {
  const page = await freshPage(browser);
  await signInThroughProvider(page, { ...user("alice"), password: "not-her-password" });
  await expect(page.getByRole("alert")).toHaveText("Wrong username or password.");
  await expect(page).toHaveURL(new RegExp(`^${idp.issuer}/interaction/`));
  await page.context().close();
});

test("a local user created with `teal user create` on the server's host signs in through the form", async ({ page }) => {
  const worldData = process.env.E2E_DATA_DIR;
  if (!worldData) throw new Error("E2E_DATA_DIR is set by the Playwright config.");
  const email = `dana-${Date.now()}@example.com`;
  const password = "dana's long pass phrase";
  const env: NodeJS.ProcessEnv = { ...process.env, DATABASE_URL: `file:${path.join(worldData, "teal.db")}` };
  for (const name of ["NODE_ENV", "TEAL_AUDIT_KEY"]) delete env[name];
  const created = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [path.join(ROOT, "scripts", "teal.mjs"), "user", "create", "--email", email, "--role", "operator", "--password-stdin"],
      {
        cwd: ROOT,
        env,
        stdio: ["pipe", "ignore", "pipe"],
      },
    );
    let stderr = "";
    child.stderr?.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stderr }));
    child.stdin?.end(`${password}\n`);
  });
  expect(created, created.stderr).toMatchObject({ code: 0 });
  expect(created.stderr).toContain(`Created local user ${email} (operator).`);

  await signInWithForm(page, email, password);
  await page.goto("/overview");
  const banner = page.getByRole("banner");
  await expect(banner).toContainText(email);
  await expect(banner).toContainText("Operator");
});

test("an admin creates a local user on the settings page; the password shown once signs them in", async ({ page, browser }, testInfo) => {
  await signIn(page, "admin@example.com");
  await page.goto("/settings");
  const panel = page.getByRole("region", { name: "Local users" });
  const email = `erin-${Date.now()}@example.com`;
  await panel.getByLabel("Email").fill(email);
  await panel.getByLabel("Role").selectOption("responder");
  await panel.getByRole("button", { name: "Create user" }).click();
  await expect(panel.getByText(`User ${email} created. Copy the password now: it is not shown again.`)).toBeVisible();
  const password = await panel.getByLabel(`Password (for ${email})`).inputValue();
  expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/);
  await expect(panel.getByRole("row", { name: new RegExp(email) })).toContainText("responder");
  const results = await axe(page).include("main").analyze();
  expect(results.violations.flatMap((v) => v.nodes.map((n) => `${v.id} ${n.target.join(" ")}`))).toEqual([]);
  await panel.screenshot({ path: testInfo.outputPath("settings-local-user-created.png") });

  const other = await browser.newContext();
  const theirs = await other.newPage();
  await signInWithForm(theirs, email, password);
  await theirs.goto("/overview");
  await expect(theirs.getByRole("banner")).toContainText("Responder");
  await other.close();
});
