import Link from "next/link";
import type { Role } from "@/lib/domain/basics";
import { ROLE_LABEL } from "@/components/controls/permissions";
import { LogoMark } from "./logo-mark";
import { NavLinks } from "./nav-links";
import { SignOutButton } from "./sign-out-button";
import { ThemeToggle } from "./theme-toggle";

interface AppHeaderProps {
  email: string;
  role: Role;
}

/** The console's top bar: mark, navigation, who is signed in, theme and sign-out. */
export function AppHeader({ email, role }: AppHeaderProps) {
  return (
    // Opaque, with no backdrop blur: a sticky blurred bar is composited again whenever the page moves
    // or repaints under it (every poll), a cost in software rendering for no legible gain.
    <header className="sticky top-0 z-20 border-b border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <div className="mx-auto flex h-13 max-w-[1800px] items-center gap-6 px-6">
        <Link
          href="/overview"
          className="flex items-center gap-2 rounded focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-600"
        >
          <LogoMark />
          <span className="text-[15px] font-semibold tracking-tight text-slate-900 dark:text-slate-100">Teal</span>
        </Link>
        <NavLinks isAdmin={role === "admin"} />
        <div className="ml-auto flex items-center gap-3">
          <div className="flex items-center gap-2 text-sm">
            <span className="text-slate-700 dark:text-slate-300">
              <span className="sr-only">Signed in as </span>
              {email}
            </span>
            <span className="rounded bg-teal-50 px-1.5 py-0.5 text-xs font-medium text-teal-800 ring-1 ring-teal-200 ring-inset dark:bg-teal-950 dark:text-teal-200 dark:ring-teal-800">
              {ROLE_LABEL[role]}
            </span>
          </div>
          <span className="h-5 w-px bg-slate-200 dark:bg-slate-700" aria-hidden="true" />
          <ThemeToggle />
          <SignOutButton />
        </div>
      </div>
    </header>
  );
}
