"use client";

import { useState } from "react";
import { useRouter } from "next/navigation";
import { createKioskToken } from "@/lib/actions/create-kiosk-token";
import type { CreatedKioskToken } from "@/lib/domain/kiosk";
import { buttonClass } from "@/components/ui/button-styles";
import { FailureNotice } from "@/components/controls/failure-notice";
import { useActionRunner } from "@/components/controls/use-action-runner";
import { NewKioskToken } from "./new-kiosk-token";

/** Names a screen and creates its token; the secret is shown once, right below. */
export function CreateKioskTokenForm() {
  const router = useRouter();
  const runner = useActionRunner<CreatedKioskToken>();
  const [label, setLabel] = useState("");
  const [created, setCreated] = useState<CreatedKioskToken | null>(null);

  async function submit() {
    setCreated(null);
    const result = await runner.run(() => createKioskToken({ label }));
    if (result) {
      setCreated(result);
      setLabel("");
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
        <div className="w-80">
          <label htmlFor="kiosk-label" className="mb-1 block text-xs font-medium text-slate-600 dark:text-slate-400">
            Screen name
          </label>
          <input
            id="kiosk-label"
            value={label}
            onChange={(event) => setLabel(event.target.value)}
            maxLength={80}
            placeholder="e.g. Ops room TV"
            className="h-9 w-full rounded-md border border-slate-300 bg-white px-2.5 text-sm focus-visible:outline-2 focus-visible:outline-teal-600 dark:border-slate-700 dark:bg-slate-950"
          />
        </div>
        <button type="submit" disabled={runner.pending || label.trim() === ""} className={buttonClass("primary", "md")}>
          {runner.pending ? "Creating…" : "Create token"}
        </button>
      </form>
      {runner.failure ? <FailureNotice failure={runner.failure} /> : null}
      {created ? <NewKioskToken created={created} /> : null}
    </div>
  );
}
