import type { Metadata } from "next";
import { LogoMark } from "@/components/shell/logo-mark";
import { SignInForm } from "@/components/auth/sign-in-form";
import { DemoUsersHint } from "@/components/auth/demo-users-hint";
import { safeCallbackUrl } from "@/components/auth/safe-callback";
import { demoUsersEnabled } from "@/lib/auth/build-options";

export const metadata: Metadata = { title: "Sign in" };

// The demo sign-ins are listed only when the server runs on the practice range.
export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  // Resolved against Teal's own origin (NEXTAUTH_URL when set): anything that leaves it means "/".
  const callbackUrl = safeCallbackUrl(params.callbackUrl, process.env.NEXTAUTH_URL || undefined);
  const showDemoUsers = demoUsersEnabled(process.env);
  return (
    <main className="flex min-h-screen items-center justify-center px-4 py-12">
      <div className="w-full max-w-sm space-y-6">
        <div className="flex flex-col items-center gap-3 text-center">
          <LogoMark className="size-10" />
          <div>
            <h1 className="text-xl font-semibold tracking-tight">Sign in to Teal</h1>
            <p className="mt-1 text-sm text-slate-500 dark:text-slate-400">Blue/green deployments on AWS</p>
          </div>
        </div>
        <div className="rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900">
          <SignInForm callbackUrl={callbackUrl} />
        </div>
        {showDemoUsers ? <DemoUsersHint /> : null}
      </div>
    </main>
  );
}
