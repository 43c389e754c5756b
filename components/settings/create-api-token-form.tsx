"use client";

import { AppPicker } from "./app-picker";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { createApiToken } from "@/lib/actions/create-api-token";
import { API_TOKEN_ROLES, type ApiTokenRole, type CreatedApiToken } from "@/lib/domain/api-token";
import { buttonClass } from "@/components/ui/button-styles";
import { Notice } from "@/components/ui/notice";
import { FailureNotice } from "@/components/controls/failure-notice";
import { useActionRunner } from "@/components/controls/use-action-runner";

const FIELD =
  "h-9 w-full rounded-md border border-slate-300 bg-white px-2.5 text-sm focus-visible:outline-2 focus-visible:outline-teal-600 dark:border-slate-700 dark:bg-slate-950";
const LABEL = "mb-1 block text-xs font-medium text-slate-600 dark:text-slate-400";
const EXPIRIES = [30, 90, 365] as const;

/** Names a pipeline, picks its role, applications and expiry, and creates its token; the secret is shown once. */
export function CreateApiTokenForm({ appIds }: { appIds: readonly string[] }) {
  const router = useRouter();
  const runner = useActionRunner<CreatedApiToken>();
  const [name, setName] = useState("");
  const [role, setRole] = useState<ApiTokenRole>("operator");
  const [days, setDays] = useState<number>(90);
  const [apps, setApps] = useState<string[]>([]);
  const [created, setCreated] = useState<CreatedApiToken | null>(null);

  async function submit() {
    setCreated(null);
    const result = await runner.run(() => createApiToken({ name, role, expiresInDays: days, ...(apps.length > 0 ? { apps } : {}) }));
    if (result) {
      setCreated(result);
      setName("");
      setApps([]);
      router.refresh();
    }
  }

  return (
    <div className="space-y-3">
      <form
        className="space-y-3"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <div className="flex flex-wrap items-end gap-3">
          <div className="w-64">
            <label htmlFor="api-token-name" className={LABEL}>
              Pipeline name
            </label>
            <input
              id="api-token-name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              maxLength={64}
              placeholder="e.g. ci"
              className={FIELD}
            />
          </div>
          <div className="w-40">
            <label htmlFor="api-token-role" className={LABEL}>
              Role
            </label>
            <select id="api-token-role" value={role} onChange={(e) => setRole(e.target.value as ApiTokenRole)} className={FIELD}>
              {API_TOKEN_ROLES.map((r) => (
                <option key={r} value={r}>
                  {r}
                </option>
              ))}
            </select>
          </div>
          <div className="w-40">
            <label htmlFor="api-token-expiry" className={LABEL}>
              Expires after
            </label>
            <select id="api-token-expiry" value={days} onChange={(e) => setDays(Number(e.target.value))} className={FIELD}>
              {EXPIRIES.map((d) => (
                <option key={d} value={d}>
                  {d} days
                </option>
              ))}
            </select>
          </div>
          <button type="submit" disabled={runner.pending || name.trim() === ""} className={buttonClass("primary", "md")}>
            {runner.pending ? "Creating…" : "Create API token"}
          </button>
        </div>
        <AppPicker appIds={appIds} selected={apps} onChange={setApps} legendClassName={LABEL} />
      </form>
      {runner.failure ? <FailureNotice failure={runner.failure} /> : null}
      {created ? (
        <Notice tone="info" title={`API token “${created.token.name}” created. Copy it now: it is not shown again.`} live>
          <label htmlFor="api-token-secret" className="mt-2 block text-xs font-medium">
            Token (for <code>Authorization: Bearer …</code>)
          </label>
          <input
            id="api-token-secret"
            readOnly
            value={created.secret}
            onFocus={(e) => e.currentTarget.select()}
            className="mt-1 h-8 w-full rounded border border-sky-300 bg-white px-2 font-mono text-xs text-slate-900 dark:border-sky-800 dark:bg-slate-950 dark:text-slate-100"
          />
        </Notice>
      ) : null}
    </div>
  );
}
