/**
 * Test support (imported only by tests): a real OpenID Connect provider (the `oidc-provider`
 * package) on a random local port, with one client (Teal), a few users with a `groups` claim, and
 * its own sign-in page: a form with a username and a password, checked against the users. Consent
 * is given without asking (as a company's identity provider does for its own applications).
 * Claims of the `profile` scope include `groups`, and the ID token carries them.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import Provider from "oidc-provider";

export interface IdpUser {
  /** What the user types on the provider's sign-in form, and their `sub`. */
  username: string;
  password: string;
  email: string;
  name: string;
  groups: string[];
}

/** alice deploys, bob only watches, carol is in no group Teal maps. */
export const IDP_USERS: readonly IdpUser[] = [
  { username: "alice", password: "alice-idp-pass", email: "alice@idp.example", name: "Alice Example", groups: ["staff", "deployers"] },
  { username: "bob", password: "bob-idp-pass", email: "bob@idp.example", name: "Bob Example", groups: ["staff", "viewers"] },
  { username: "carol", password: "carol-idp-pass", email: "carol@idp.example", name: "Carol Example", groups: ["staff"] },
];

export interface TestOidcProvider {
  /** The issuer URL (OIDC_ISSUER). */
  issuer: string;
  close(): Promise<void>;
}

export interface TestOidcProviderOptions {
  clientId: string;
  clientSecret: string;
  /** Teal's callback: `<NEXTAUTH_URL>/api/auth/callback/oidc`. */
  redirectUri: string;
  users?: readonly IdpUser[];
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

function signInPage(uid: string, error: string | null): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test identity provider: sign in</title>
<style>body{font:16px system-ui;margin:4rem auto;max-width:22rem}label{display:block;margin-top:1rem}input{display:block;width:100%;padding:.4rem}button{margin-top:1.5rem;padding:.5rem 1rem}</style></head>
<body><main><h1>Test identity provider</h1>
${error ? `<p role="alert">${escapeHtml(error)}</p>` : ""}
<form method="post" action="/interaction/${encodeURIComponent(uid)}/login">
<label for="username">Username</label><input id="username" name="username" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form></main></body></html>`;
}

function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
      if (body.length > 10_000) req.destroy(new Error("form too large"));
    });
    req.on("end", () => resolve(new URLSearchParams(body)));
    req.on("error", reject);
  });
}

function html(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  res.end(body);
}

/** Starts the provider on 127.0.0.1 at a free port (or `port`). */
export async function startTestOidcProvider(options: TestOidcProviderOptions, port = 0): Promise<TestOidcProvider> {
  const users = options.users ?? IDP_USERS;
  let handle: (req: IncomingMessage, res: ServerResponse) => void = (_req, res) => html(res, 503, "starting");
  const server = createServer((req, res) => handle(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: options.clientId,
        client_secret: options.clientSecret,
        redirect_uris: [options.redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
      },
    ],
    async findAccount(_ctx, id) {
      const user = users.find((u) => u.username === id);
      if (!user) return undefined;
      return {
        accountId: user.username,
        async claims() {
          return { sub: user.username, email: user.email, email_verified: true, name: user.name, groups: [...user.groups] };
        },
      };
    },
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name", "groups"] },
    // The scope's claims go into the ID token, which is what Teal reads them from.
    conformIdTokenClaims: false,
    // Plain HTTP on 127.0.0.1: a SameSite=None cookie would need Secure, which the browser refuses here.
    cookies: { keys: ["test-oidc-provider-cookie-key"], long: { httpOnly: true, sameSite: "lax" }, short: { httpOnly: true, sameSite: "lax" } },
    features: { devInteractions: { enabled: false } },
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600 },
    interactions: { url: async (_ctx, interaction) => `/interaction/${interaction.uid}` },
  });
  const providerHandler = provider.callback();

  async function interaction(req: IncomingMessage, res: ServerResponse, uid: string, action: string | undefined): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (details.uid !== uid) return html(res, 400, "unknown interaction");
    if (details.prompt.name === "consent") {
      // Consent for everything asked, without a page.
      const grant = details.grantId ? null : new provider.Grant({ accountId: details.session?.accountId ?? "", clientId: details.params.client_id });
      if (!grant) return html(res, 400, "unexpected existing grant");
      if (details.prompt.details.missingOIDCScope) grant.addOIDCScope(details.prompt.details.missingOIDCScope.join(" "));
      if (details.prompt.details.missingOIDCClaims) grant.addOIDCClaims(details.prompt.details.missingOIDCClaims);
      return provider.interactionFinished(req, res, { consent: { grantId: await grant.save() } }, { mergeWithLastSubmission: true });
    }
    if (details.prompt.name !== "login") return html(res, 501, "not implemented");
    if (req.method === "GET" && action === undefined) return html(res, 200, signInPage(uid, null));
    if (req.method === "POST" && action === "login") {
      const form = await readForm(req);
      const user = users.find((u) => u.username === form.get("username") && u.password === form.get("password"));
      if (!user) return html(res, 200, signInPage(uid, "Wrong username or password."));
      return provider.interactionFinished(req, res, { login: { accountId: user.username } }, { mergeWithLastSubmission: false });
    }
    return html(res, 405, "method not allowed");
  }

  handle = (req, res) => {
    const match = /^\/interaction\/([^/?]+)(?:\/([a-z]+))?(?:\?.*)?$/.exec(req.url ?? "");
    if (!match?.[1]) return providerHandler(req, res);
    interaction(req, res, decodeURIComponent(match[1]), match[2]).catch((err: unknown) => {
      if (!res.headersSent) html(res, 500, escapeHtml(err instanceof Error ? err.message : String(err)));
    });
  };

  return {
    issuer,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
