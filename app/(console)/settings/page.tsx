import type { Metadata } from "next";
import { getServerSession } from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { can } from "@/lib/auth/roles";
import { getStore } from "@/lib/store";
import { readSessionUser } from "@/components/auth/session-user";
import { getRuntime } from "@/lib/runtime/runtime";
import { ApiTokenTable } from "@/components/settings/api-token-table";
import { CreateApiTokenForm } from "@/components/settings/create-api-token-form";
import { CreateKioskTokenForm } from "@/components/settings/create-kiosk-token-form";
import { CreateLocalUserForm } from "@/components/settings/create-local-user-form";
import { LocalUserTable } from "@/components/settings/local-user-table";
import { KioskTokenTable } from "@/components/settings/kiosk-token-table";
import { SessionTable } from "@/components/settings/session-table";
import { CreateWebhookForm } from "@/components/settings/create-webhook-form";
import { DeliveryTable, WebhookTable } from "@/components/settings/webhook-table";
import { Notice } from "@/components/ui/notice";
import { Panel } from "@/components/ui/panel";

export const metadata: Metadata = { title: "Settings" };
export const dynamic = "force-dynamic";

// Admin settings: kiosk tokens for wall monitors, API tokens for pipelines, local users, sessions. Others see "Permission denied"; the actions check again.
export default async function SettingsPage() {
  const session = await getServerSession(authOptions);
  const user = readSessionUser(session);
  if (!user || !can(user.role, "admin")) {
    return (
      <div className="max-w-2xl space-y-4">
        <h1 className="text-xl font-semibold tracking-tight text-slate-900 dark:text-slate-100">Settings</h1>
        <Notice tone="danger" title="Permission denied">
          Settings are for admins.
        </Notice>
      </div>
    );
  }
  const store = await getStore();
  const tokens = await store.listKioskTokens();
  const nowIso = new Date().toISOString();
  const sessions = await store.listActiveSessions(nowIso);
  const apiTokens = await store.listApiTokens();
  const localUsers = await store.listLocalUsers();
  const appIds = (await getRuntime()).config.applications.map((a) => a.id);
  const webhooks = await store.webhooks.listWebhooks();
  const deliveries = await store.webhooks.listDeliveries({ limit: 20 });
  return (
    <div className="max-w-5xl space-y-4">
      <div>
        <h1 className="text-xl font-semibold tracking-tight text-slate-900 dark:text-slate-100">Settings</h1>
        <p className="mt-0.5 text-sm text-slate-500 dark:text-slate-400">
          Kiosk tokens let a wall monitor show every application read-only, without anyone signed in.
        </p>
      </div>
      <Panel title="Kiosk tokens" headingId="kiosk-heading" meta={`${tokens.filter((t) => t.revokedAt === null).length} active`}>
        <div className="space-y-5">
          <CreateKioskTokenForm />
          <KioskTokenTable tokens={tokens} />
          <p className="text-xs text-slate-500 dark:text-slate-400">
            A token can only read: it opens <code>/wall</code> and the data the wall polls, never a control. Teal keeps only a hash of it; a lost
            token is revoked and replaced.
          </p>
        </div>
      </Panel>
      <Panel
        title="API tokens"
        headingId="api-tokens-heading"
        meta={`${apiTokens.filter((t) => t.revokedAt === null && t.expiresAt > nowIso).length} active`}
      >
        <div className="space-y-5">
          <CreateApiTokenForm appIds={appIds} />
          <ApiTokenTable tokens={apiTokens} nowIso={nowIso} />
          <p className="text-xs text-slate-500 dark:text-slate-400">
            A pipeline calls the REST API (<code>/api/v1</code>, described at <code>/api/v1/openapi.json</code>) with{" "}
            <code>Authorization: Bearer &lt;token&gt;</code>, with the token&apos;s role and only on its applications; the audit log names it{" "}
            <code>token &lt;name&gt;</code>. Teal keeps only a hash of it.
          </p>
        </div>
      </Panel>
      <Panel title="Local users" headingId="local-users-heading" meta={`${localUsers.filter((u) => u.disabledAt === null).length} active`}>
        <div className="space-y-5">
          <CreateLocalUserForm />
          <LocalUserTable users={localUsers} />
          <p className="text-xs text-slate-500 dark:text-slate-400">
            People who sign in with an email and a password Teal keeps (only a hash of it), for a team without an identity provider. On the
            server&apos;s host: <code>npx teal user create</code>, <code>list</code> and <code>disable</code>.
          </p>
        </div>
      </Panel>
      <Panel title="Webhooks" headingId="webhooks-heading" meta={`${webhooks.length} configured`}>
        <div className="space-y-5">
          <CreateWebhookForm appIds={appIds} />
          <WebhookTable webhooks={webhooks} />
          <h3 className="text-sm font-medium text-slate-900 dark:text-slate-100">Last deliveries</h3>
          <DeliveryTable deliveries={deliveries} webhooks={webhooks} />
          <p className="text-xs text-slate-500 dark:text-slate-400">
            Teal posts each operation event it records to the webhooks that subscribe to it, signed with the webhook&apos;s secret (
            <code>X-Teal-Signature</code>), and retries a receiver that fails with growing pauses before giving up. The URL is shown redacted: its
            path often holds a token. See <code>docs/notifications.md</code>.
          </p>
        </div>
      </Panel>
      <Panel title="Signed-in users" headingId="sessions-heading" meta={`${sessions.length} live sessions`}>
        <div className="space-y-3">
          <SessionTable sessions={sessions} selfId={session?.user?.id ?? ""} />
          <p className="text-xs text-slate-500 dark:text-slate-400">
            Revoking ends a user&apos;s sessions at their next request. Sessions end by themselves on sign-out and after 8 hours; roles are read again
            within a minute.
          </p>
        </div>
      </Panel>
    </div>
  );
}
