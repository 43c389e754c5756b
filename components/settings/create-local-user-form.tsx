"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { createLocalUser } from "@/lib/actions/create-local-user";
import { ROLES, type Role } from "@/lib/domain/basics";
import type { CreatedLocalUser } from "@/lib/domain/local-user";
import { buttonClass } from "@/components/ui/button-styles";
import { Notice } from "@/components/ui/notice";
import { FailureNotice } from "@/components/controls/failure-notice";
import { useActionRunner } from "@/components/controls/use-action-runner";

const FIELD =
  "h-9 w-full rounded-md border border-slate-300 bg-white px-2.5 text-sm focus-visible:outline-2 focus-visible:outline-teal-600 dark:border-slate-700 dark:bg-slate-950";
const LABEL = "mb-1 block text-xs font-medium text-slate-600 dark:text-slate-400";

/** An email and a role; Teal makes the password and shows it once, for the admin to hand over. */
export function CreateLocalUserForm() {
  const router = useRouter();
  const runner = useActionRunner<CreatedLocalUser>();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("viewer");
  const [created, setCreated] = useState<CreatedLocalUser | null>(null);

  async function submit() {
    setCreated(null);
    const result = await runner.run(() => createLocalUser({ email, role }));
    if (result) {
      setCreated(result);
      setEmail("");
      router.refresh();
    }
  }

  return (
    <div className="space-y-3">
      <form
        className="flex flex-wrap items-end gap-3"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <div className="w-72">
          <label htmlFor="local-user-email" className={LABEL}>
            Email
          </label>
          <input
            id="local-user-email"
            type="email"
            value={email}
            onChange={(e) => setEmail(e.target.value)}
            maxLength={320}
            autoComplete="off"
            className={FIELD}
          />
        </div>
        <div className="w-40">
          <label htmlFor="local-user-role" className={LABEL}>
            Role
          </label>
          <select id="local-user-role" value={role} onChange={(e) => setRole(e.target.value as Role)} className={FIELD}>
            {ROLES.map((r) => (
              <option key={r} value={r}>
                {r}
              </option>
            ))}
          </select>
        </div>
        <button type="submit" disabled={runner.pending || email.trim() === ""} className={buttonClass("primary", "md")}>
          {runner.pending ? "Creating…" : "Create user"}
        </button>
      </form>
      {runner.failure ? <FailureNotice failure={runner.failure} /> : null}
      {created?.generatedPassword ? (
        <Notice tone="info" title={`User ${created.user.email} created. Copy the password now: it is not shown again.`} live>
          <label htmlFor="local-user-password" className="mt-2 block text-xs font-medium">
            Password (for {created.user.email})
          </label>
          <input
            id="local-user-password"
            readOnly
            value={created.generatedPassword}
            onFocus={(e) => e.currentTarget.select()}
            className="mt-1 h-8 w-full rounded border border-sky-300 bg-white px-2 font-mono text-xs text-slate-900 dark:border-sky-800 dark:bg-slate-950 dark:text-slate-100"
          />
        </Notice>
      ) : null}
    </div>
  );
}
