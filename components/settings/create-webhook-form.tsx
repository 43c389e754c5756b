"use client";

import { AppPicker } from "./app-picker";
import { useState } from "react";
import { useRouter } from "next/navigation";
import { createWebhook } from "@/lib/actions/create-webhook";
import {
  WEBHOOK_EVENTS,
  WEBHOOK_EVENT_WORDS,
  WEBHOOK_FORMATS,
  type CreatedWebhook,
  type WebhookEvent,
  type WebhookFormat,
} from "@/lib/domain/webhook";
import { buttonClass } from "@/components/ui/button-styles";
import { Notice } from "@/components/ui/notice";
import { FailureNotice } from "@/components/controls/failure-notice";
import { useActionRunner } from "@/components/controls/use-action-runner";

const FIELD =
  "h-9 w-full rounded-md border border-slate-300 bg-white px-2.5 text-sm focus-visible:outline-2 focus-visible:outline-teal-600 dark:border-slate-700 dark:bg-slate-950";
const LABEL = "mb-1 block text-xs font-medium text-slate-600 dark:text-slate-400";
const FORMAT_WORDS: Readonly<Record<WebhookFormat, string>> = { generic: "Generic JSON", slack: "Slack" };
const DEFAULT_EVENTS: readonly WebhookEvent[] = ["started", "approval-needed", "halted", "rollback-automatic", "completed", "failed"];

/** Adds a webhook: a name, the receiver's URL, the body's format, the events and the applications; its signing secret is shown once. */
export function CreateWebhookForm({ appIds }: { appIds: readonly string[] }) {
  const router = useRouter();
  const runner = useActionRunner<CreatedWebhook>();
  const [name, setName] = useState("");
  const [url, setUrl] = useState("");
  const [format, setFormat] = useState<WebhookFormat>("generic");
  const [events, setEvents] = useState<WebhookEvent[]>([...DEFAULT_EVENTS]);
  const [apps, setApps] = useState<string[]>([]);
  const [created, setCreated] = useState<CreatedWebhook | null>(null);

  async function submit() {
    setCreated(null);
    const result = await runner.run(() => createWebhook({ name, url, format, events, apps }));
    if (result) {
      setCreated(result);
      setName("");
      setUrl("");
      setApps([]);
      router.refresh();
    }
  }

  return (
    <div className="space-y-3">
      <form
        className="space-y-3"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <div className="flex flex-wrap items-end gap-3">
          <div className="w-48">
            <label htmlFor="webhook-name" className={LABEL}>
              Name
            </label>
            <input
              id="webhook-name"
              value={name}
              onChange={(e) => setName(e.target.value)}
              maxLength={80}
              placeholder="e.g. #deploys"
              className={FIELD}
            />
          </div>
          <div className="min-w-72 flex-1">
            <label htmlFor="webhook-url" className={LABEL}>
              Receiver URL (http or https)
            </label>
            <input
              id="webhook-url"
              type="url"
              value={url}
              onChange={(e) => setUrl(e.target.value)}
              maxLength={2000}
              placeholder="https://hooks.slack.com/services/…"
              autoComplete="off"
              className={FIELD}
            />
          </div>
          <div className="w-40">
            <label htmlFor="webhook-format" className={LABEL}>
              Body
            </label>
            <select
              id="webhook-format"
              value={format}
              onChange={(e) => setFormat(e.target.value === "slack" ? "slack" : "generic")}
              className={FIELD}
            >
              {WEBHOOK_FORMATS.map((f) => (
                <option key={f} value={f}>
                  {FORMAT_WORDS[f]}
                </option>
              ))}
            </select>
          </div>
          <button
            type="submit"
            disabled={runner.pending || name.trim() === "" || url.trim() === "" || events.length === 0}
            className={buttonClass("primary", "md")}
          >
            {runner.pending ? "Adding…" : "Add webhook"}
          </button>
        </div>
        <fieldset>
          <legend className={LABEL}>Events</legend>
          <div className="flex flex-wrap gap-x-4 gap-y-1 text-sm">
            {WEBHOOK_EVENTS.map((e) => (
              <label key={e} className="flex items-center gap-1.5">
                <input
                  type="checkbox"
                  checked={events.includes(e)}
                  onChange={(ev) =>
                    setEvents((now) => (ev.target.checked ? WEBHOOK_EVENTS.filter((k) => k === e || now.includes(k)) : now.filter((k) => k !== e)))
                  }
                />
                <span>{WEBHOOK_EVENT_WORDS[e]}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <AppPicker appIds={appIds} selected={apps} onChange={setApps} legendClassName={LABEL} />
      </form>
      {runner.failure ? <FailureNotice failure={runner.failure} /> : null}
      {created ? (
        <Notice tone="info" title={`Webhook “${created.webhook.name}” added. Copy its signing secret now: it is not shown again.`} live>
          <label htmlFor="webhook-secret" className="mt-2 block text-xs font-medium">
            Signing secret (HMAC-SHA256 key of the <code>X-Teal-Signature</code> header)
          </label>
          <input
            id="webhook-secret"
            readOnly
            value={created.secret}
            onFocus={(e) => e.currentTarget.select()}
            className="mt-1 h-8 w-full rounded border border-sky-300 bg-white px-2 font-mono text-xs text-slate-900 dark:border-sky-800 dark:bg-slate-950 dark:text-slate-100"
          />
        </Notice>
      ) : null}
    </div>
  );
}
