import type { Metadata } from "next";
import { LogoMark } from "@/components/shell/logo-mark";
import { SignInForm } from "@/components/auth/sign-in-form";
import { DemoUsersHint } from "@/components/auth/demo-users-hint";
import { safeCallbackUrl } from "@/components/auth/safe-callback";
import { ProviderSignInButton } from "@/components/auth/provider-sign-in-button";
import { providerErrorMessage } from "@/components/auth/provider-error";
import { Notice } from "@/components/ui/notice";
import { demoUsersEnabled, oidcDisplayName, oidcEnabled } from "@/lib/auth/build-options";

export const metadata: Metadata = { title: "Sign in" };

// The identity provider's button when OIDC is configured, then email and password (local users, and
// the demo sign-ins, listed only when the server runs on the practice range). A sign-in the provider
// failed or Teal refused comes back here with `?error=`, and the page says why.
export default async function SignInPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  // Resolved against Teal's own origin (NEXTAUTH_URL when set): anything that leaves it means "/".
  const callbackUrl = safeCallbackUrl(params.callbackUrl, process.env.NEXTAUTH_URL || undefined);
  const showDemoUsers = demoUsersEnabled(process.env);
  const oidcName = oidcEnabled(process.env) ? oidcDisplayName(process.env) : null;
  const failed = providerErrorMessage(params.error, oidcName ?? "your identity provider");
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
        <div className="space-y-5 rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-800 dark:bg-slate-900">
          {failed ? (
            <Notice tone="danger" title={failed.title} live>
              {failed.detail}
            </Notice>
          ) : null}
          {oidcName ? (
            <>
              <ProviderSignInButton providerId="oidc" name={oidcName} callbackUrl={callbackUrl} />
              <p className="flex items-center gap-3 text-xs text-slate-500 dark:text-slate-400">
                <span aria-hidden="true" className="h-px flex-1 bg-slate-200 dark:bg-slate-800" />
                or with email and password
                <span aria-hidden="true" className="h-px flex-1 bg-slate-200 dark:bg-slate-800" />
              </p>
            </>
          ) : null}
          <SignInForm callbackUrl={callbackUrl} secondary={oidcName !== null} />
        </div>
        {showDemoUsers ? <DemoUsersHint /> : null}
      </div>
    </main>
  );
}
