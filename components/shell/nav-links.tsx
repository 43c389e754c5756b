"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

interface NavLink {
  href: string;
  label: string;
  match: readonly string[];
  /** Shown only to admins (the page itself refuses everyone else too). */
  adminOnly?: boolean;
}

const LINKS: readonly NavLink[] = [
  { href: "/overview", label: "Overview", match: ["/overview", "/apps"] },
  { href: "/history", label: "History", match: ["/history"] },
  { href: "/settings", label: "Settings", match: ["/settings"], adminOnly: true },
];

/** Primary navigation; the current section is marked for assistive technology too. */
export function NavLinks({ isAdmin = false }: { isAdmin?: boolean }) {
  const pathname = usePathname();
  return (
    <nav aria-label="Main">
      <ul className="flex items-center gap-1">
        {LINKS.filter((link) => isAdmin || !link.adminOnly).map((link) => {
          const active = link.match.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
          return (
            <li key={link.href}>
              <Link
                href={link.href}
                aria-current={active ? "page" : undefined}
                className={`rounded-md px-2.5 py-1.5 text-sm font-medium focus-visible:outline-2 focus-visible:outline-teal-600 ${
                  active
                    ? "bg-slate-100 text-slate-900 dark:bg-slate-800 dark:text-slate-100"
                    : "text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-slate-100"
                }`}
              >
                {link.label}
              </Link>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
