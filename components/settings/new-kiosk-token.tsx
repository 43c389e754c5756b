"use client";

import { useEffect, useState } from "react";
import type { CreatedKioskToken } from "@/lib/domain/kiosk";
import { Notice } from "@/components/ui/notice";

/** The one-time display of a new token: the wall link to open on the screen, and the bare secret. */
export function NewKioskToken({ created }: { created: CreatedKioskToken }) {
  // The origin is known only in the browser; until then the path alone is shown.
  const [origin, setOrigin] = useState("");
  useEffect(() => setOrigin(window.location.origin), []);
  const link = `${origin}${created.wallPath}`;
  return (
    <Notice tone="info" title={`Token for “${created.token.label}” created. Copy it now: it is not shown again.`} live>
      <div className="mt-2 space-y-2">
        <div>
          <label htmlFor="kiosk-link" className="block text-xs font-medium">
            Wall link (open it once on the screen)
          </label>
          <input
            id="kiosk-link"
            readOnly
            value={link}
            onFocus={(e) => e.currentTarget.select()}
            className="mt-1 h-8 w-full rounded border border-sky-300 bg-white px-2 font-mono text-xs text-slate-900 dark:border-sky-800 dark:bg-slate-950 dark:text-slate-100"
          />
        </div>
        <div>
          <label htmlFor="kiosk-secret" className="block text-xs font-medium">
            Token (for <code>Authorization: Bearer …</code>)
          </label>
          <input
            id="kiosk-secret"
            readOnly
            value={created.secret}
            onFocus={(e) => e.currentTarget.select()}
            className="mt-1 h-8 w-full rounded border border-sky-300 bg-white px-2 font-mono text-xs text-slate-900 dark:border-sky-800 dark:bg-slate-950 dark:text-slate-100"
          />
        </div>
      </div>
    </Notice>
  );
}
