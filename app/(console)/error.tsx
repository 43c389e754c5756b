"use client";

import { useEffect } from "react";
import { buttonClass } from "@/components/ui/button-styles";
import { Notice } from "@/components/ui/notice";

// Keeps the console shell (header, navigation, sign-out) up when a page fails to render.
export default function ConsoleError({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  const digest = error instanceof Error && "digest" in error && typeof error.digest === "string" ? error.digest : null;
  return (
    <div className="max-w-2xl">
      <Notice
        tone="danger"
        title="This page could not be shown"
        live
        actions={
          <button type="button" className={buttonClass("secondary", "sm")} onClick={() => retry()}>
            Try again
          </button>
        }
      >
        Something went wrong while rendering. Nothing was changed.
        {digest ? <span className="mt-1 block font-mono text-xs opacity-75">Reference: {digest}</span> : null}
      </Notice>
    </div>
  );
}
