import type { ReactNode } from "react";
import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { getServerSession } from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { readSessionUser } from "@/components/auth/session-user";
import { AppHeader } from "@/components/shell/app-header";
import { REQUESTED_PATH_HEADER, signInUrlFor } from "@/lib/http/requested-path";

// Signed-in shell. The redirect is a convenience: every route and action authorizes on the server.
export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  const user = readSessionUser(await getServerSession(authOptions));
  if (!user) redirect(signInUrlFor((await headers()).get(REQUESTED_PATH_HEADER)));
  return (
    <div className="flex min-h-screen flex-col">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:top-2 focus:left-2 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2 focus:text-sm focus:shadow dark:focus:bg-slate-900"
      >
        Skip to content
      </a>
      <AppHeader email={user.email} role={user.role} />
      <main id="main" className="mx-auto w-full max-w-[1800px] flex-1 px-6 py-5">
        {children}
      </main>
    </div>
  );
}
