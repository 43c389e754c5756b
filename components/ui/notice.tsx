import type { ReactNode } from "react";

interface NoticeProps {
  tone: "danger" | "warning" | "info";
  title: ReactNode;
  children?: ReactNode;
  actions?: ReactNode;
  /** Announce to screen readers when it appears (errors after an action). */
  live?: boolean;
}

const TONES: Record<NoticeProps["tone"], string> = {
  danger: "border-rose-300 bg-rose-50 text-rose-900 dark:border-rose-900 dark:bg-rose-950/60 dark:text-rose-100",
  warning: "border-amber-300 bg-amber-50 text-amber-950 dark:border-amber-900 dark:bg-amber-950/60 dark:text-amber-100",
  info: "border-sky-300 bg-sky-50 text-sky-950 dark:border-sky-900 dark:bg-sky-950/60 dark:text-sky-100",
};

const ICONS: Record<NoticeProps["tone"], string> = { danger: "✕", warning: "!", info: "i" };

/** An inline message box; errors use role="alert" so they are read out when they appear. */
export function Notice({ tone, title, children, actions, live = false }: NoticeProps) {
  return (
    <div role={live ? "alert" : undefined} className={`flex gap-3 rounded-md border px-3 py-2.5 text-sm ${TONES[tone]}`}>
      <span
        aria-hidden="true"
        className="mt-0.5 flex size-4 shrink-0 items-center justify-center rounded-full border border-current text-[10px] font-bold"
      >
        {ICONS[tone]}
      </span>
      <div className="min-w-0 flex-1">
        <p className="font-semibold">{title}</p>
        {children ? <div className="mt-0.5 opacity-90">{children}</div> : null}
        {actions ? <div className="mt-2 flex gap-2">{actions}</div> : null}
      </div>
    </div>
  );
}
