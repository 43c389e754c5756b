"use client";

import Link from "next/link";
import { useEffect } from "react";
import { buttonClass } from "@/components/ui/button-styles";
import { Notice } from "@/components/ui/notice";

// An application page that fails keeps the shell and offers a way back.
export default function AppError({ error, retry }: { error: unknown; retry: () => void }) {
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <div className="max-w-2xl">
      <Notice
        tone="danger"
        title="This application could not be shown"
        live
        actions={
          <>
            <button type="button" className={buttonClass("secondary", "sm")} onClick={() => retry()}>
              Try again
            </button>
            <Link href="/overview" className={buttonClass("ghost", "sm")}>
              Back to overview
            </Link>
          </>
        }
      >
        Something went wrong while rendering this page. Nothing was changed.
      </Notice>
    </div>
  );
}
