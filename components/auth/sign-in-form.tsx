"use client";

import { useState, type FormEvent } from "react";
import { useRouter } from "next/navigation";
import { signIn } from "next-auth/react";
import { buttonClass } from "@/components/ui/button-styles";
import { Notice } from "@/components/ui/notice";
import { safeCallbackUrl } from "./safe-callback";

interface SignInFormProps {
  callbackUrl: string;
  /** Below an identity provider's button: its submit button is not the page's main one. */
  secondary?: boolean;
}

const INPUT =
  "mt-1 block h-10 w-full rounded-md border border-slate-300 bg-white px-3 text-sm text-slate-900 shadow-xs focus:border-teal-600 focus:ring-2 focus:ring-teal-600/30 focus:outline-none dark:border-slate-700 dark:bg-slate-950 dark:text-slate-100";

/** What to tell the person after a refused sign-in (a throttled one says how long to wait). */
export function signInErrorMessage(error: string | null, status: number): string {
  const throttled = /^Throttled:(\d+)$/.exec(error ?? "");
  if (throttled || status === 429) {
    const seconds = Number(throttled?.[1] ?? 0);
    return seconds > 0
      ? `Too many sign-in attempts. Try again in ${seconds < 120 ? `${seconds} s` : `${Math.ceil(seconds / 60)} min`}.`
      : "Too many sign-in attempts. Try again shortly.";
  }
  return error === "CredentialsSignin" || status === 401 ? "Wrong email or password." : "Sign-in failed. Try again.";
}

/** Email and password against the credentials provider; stays on the page with a message on failure. */
export function SignInForm({ callbackUrl, secondary = false }: SignInFormProps) {
  const router = useRouter();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);

  async function onSubmit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setPending(true);
    setError(null);
    try {
      const result = await signIn("credentials", { email, password, redirect: false });
      if (!result || result.error || !result.ok) {
        setError(signInErrorMessage(result?.error ?? null, result?.status ?? 0));
        setPending(false);
        return;
      }
      // Checked again here, against the origin the browser is really on, right before following it.
      router.replace(safeCallbackUrl(callbackUrl, window.location.origin));
      router.refresh();
    } catch {
      setError("Teal could not be reached. Try again.");
      setPending(false);
    }
  }

  return (
    <form onSubmit={onSubmit} className="space-y-4" noValidate>
      <div>
        <label htmlFor="signin-email" className="text-sm font-medium text-slate-900 dark:text-slate-100">
          Email
        </label>
        <input
          id="signin-email"
          name="email"
          type="email"
          autoComplete="username"
          required
          autoFocus={!secondary}
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          className={INPUT}
        />
      </div>
      <div>
        <label htmlFor="signin-password" className="text-sm font-medium text-slate-900 dark:text-slate-100">
          Password
        </label>
        <input
          id="signin-password"
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          className={INPUT}
        />
      </div>
      {error ? <Notice tone="danger" title={error} live /> : null}
      <button
        type="submit"
        className={buttonClass(secondary ? "secondary" : "primary", "md", "w-full h-10")}
        disabled={pending || !email || !password}
      >
        {pending ? "Signing in…" : "Sign in"}
      </button>
    </form>
  );
}
