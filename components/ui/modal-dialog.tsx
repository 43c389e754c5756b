"use client";

import { useEffect, useId, useRef, type ReactNode } from "react";

interface ModalDialogProps {
  title: ReactNode;
  subtitle?: ReactNode;
  onClose: () => void;
  children: ReactNode;
  footer: ReactNode;
  /** Keep the dialog open on Escape while a request is in flight. */
  busy?: boolean;
  widthClass?: string;
  /**
   * The dialog keeps one height from the moment it opens, whatever its body holds, so its footer
   * (the confirm button) does not move when a plan arrives: a click aimed at the button while the
   * plan loads must land on it. For dialogs whose body loads after they open.
   */
  steady?: boolean;
}

/** The height of a steady dialog: the screen's less a margin, at most what a long plan needs. */
const STEADY_HEIGHT = "h-[min(calc(100vh-4rem),44rem)]";

/**
 * A modal built on the native <dialog>: the browser traps focus, makes the page inert and closes on
 * Escape. Mounted only while open. The element marked `data-autofocus` takes focus when it opens.
 */
export function ModalDialog({
  title,
  subtitle,
  onClose,
  children,
  footer,
  busy = false,
  widthClass = "max-w-2xl",
  steady = false,
}: ModalDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const body = useRef<HTMLDivElement>(null);
  const titleId = useId();

  // A body that scrolls takes keyboard focus, so a person without a mouse can scroll it too (axe's
  // scrollable-region-focusable); one that fits is no extra tab stop.
  useEffect(() => {
    const el = body.current;
    if (!el) return;
    const mark = () => {
      if (el.scrollHeight > el.clientHeight + 1) el.tabIndex = 0;
      else el.removeAttribute("tabindex");
    };
    mark();
    // The body's own size (the window) and what it holds (a plan that arrives) both decide it.
    const resized = new ResizeObserver(mark);
    resized.observe(el);
    const changed = new MutationObserver(mark);
    changed.observe(el, { childList: true, subtree: true, characterData: true });
    return () => {
      resized.disconnect();
      changed.disconnect();
    };
  }, []);

  useEffect(() => {
    const dialog = ref.current;
    // The control that opened the dialog gets focus back when it closes (the dialog is unmounted,
    // so the browser's own restoring does not happen).
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    if (dialog && !dialog.open) {
      dialog.showModal();
      // showModal() focuses the first focusable element (often a text box, where Enter adds a
      // newline); the dialog's main action asks for focus with data-autofocus instead.
      dialog.querySelector<HTMLElement>("[data-autofocus]")?.focus();
    }
    return () => {
      if (dialog?.open) dialog.close();
      if (opener?.isConnected) opener.focus();
    };
  }, []);

  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(event) => {
        event.preventDefault();
        if (!busy) onClose();
      }}
      // A dimmed backdrop, not a blurred one: a backdrop filter over the whole viewport is composited
      // again on every frame under it (a caret's blink, a poll); in software rendering, as in the
      // tests, that took the browser's compositing process about four times the CPU.
      // A dialog opened from a table cell sits inside it: the cell's alignment and no-wrap would
      // otherwise run its text off the right edge (a remove dialog in the webhooks table did).
      className={`m-auto max-h-[calc(100vh-4rem)] text-left font-normal whitespace-normal ${steady ? STEADY_HEIGHT : ""} w-[calc(100vw-2rem)] ${widthClass} flex-col overflow-hidden rounded-xl border border-slate-200 bg-white p-0 text-slate-900 shadow-2xl backdrop:bg-slate-950/50 open:flex dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100`}
    >
      <header className="border-b border-slate-200 px-5 py-4 dark:border-slate-800">
        <h2 id={titleId} className="text-base font-semibold">
          {title}
        </h2>
        {subtitle ? <p className="mt-0.5 text-sm text-slate-600 dark:text-slate-400">{subtitle}</p> : null}
      </header>
      <div
        ref={body}
        aria-labelledby={titleId}
        className="min-h-0 flex-1 overflow-y-auto px-5 py-4 focus-visible:outline-2 focus-visible:outline-teal-600"
      >
        {children}
      </div>
      <footer className="flex items-center justify-end gap-2 border-t border-slate-200 bg-slate-50 px-5 py-3 dark:border-slate-800 dark:bg-slate-950/40">
        {footer}
      </footer>
    </dialog>
  );
}
