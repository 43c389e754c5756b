export type ButtonVariant = "primary" | "secondary" | "danger" | "dangerSolid" | "ghost";
export type ButtonSize = "sm" | "md";

const BASE =
  "inline-flex items-center justify-center gap-1.5 rounded-md font-medium whitespace-nowrap transition-colors " +
  "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-teal-600 dark:focus-visible:outline-teal-400 " +
  "disabled:cursor-not-allowed disabled:opacity-50";

const VARIANTS: Record<ButtonVariant, string> = {
  // White on teal-700 is 5.4:1 in both themes; teal-600 under white text (3.7:1) failed axe's contrast check in dark.
  primary: "bg-teal-700 text-white hover:bg-teal-800 dark:bg-teal-700 dark:hover:bg-teal-800 shadow-sm",
  secondary:
    "bg-white text-slate-800 ring-1 ring-inset ring-slate-300 hover:bg-slate-50 " +
    "dark:bg-slate-900 dark:text-slate-100 dark:ring-slate-700 dark:hover:bg-slate-800",
  danger:
    "bg-white text-rose-700 ring-1 ring-inset ring-rose-300 hover:bg-rose-50 " +
    "dark:bg-slate-900 dark:text-rose-300 dark:ring-rose-800 dark:hover:bg-rose-950",
  // The strongest button on any screen: confirming a rollback (or another irreversible-feeling
  // action). Solid in both themes, white text at more than 4.5:1, and a light ring in dark mode so
  // it stands out against the dark dialog footer. Its own variant: mixing it with another
  // variant's background and text classes left the winner to the stylesheet's order (white on white).
  dangerSolid:
    "bg-rose-700 text-white shadow-sm hover:bg-rose-800 " + "dark:bg-rose-700 dark:text-white dark:ring-2 dark:ring-rose-300 dark:hover:bg-rose-800",
  ghost: "text-slate-700 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800",
};

const SIZES: Record<ButtonSize, string> = {
  sm: "h-7 px-2.5 text-xs",
  md: "h-9 px-3.5 text-sm",
};

/** Class names for a button or a link that looks like one. */
export function buttonClass(variant: ButtonVariant = "secondary", size: ButtonSize = "md", extra = ""): string {
  return `${BASE} ${VARIANTS[variant]} ${SIZES[size]} ${extra}`.trim();
}
