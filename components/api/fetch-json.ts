import { HttpError, messageForStatus } from "./http-error";

function errorText(body: unknown): string | null {
  if (typeof body !== "object" || body === null) return null;
  const record = body as Record<string, unknown>;
  if (typeof record.message === "string") return record.message;
  if (typeof record.error === "string") return record.error;
  const nested = record.error;
  if (typeof nested === "object" && nested !== null) {
    const message = (nested as Record<string, unknown>).message;
    if (typeof message === "string") return message;
  }
  return null;
}

/** GET one of Teal's own JSON routes; throws HttpError with the route's user-safe message on failure. */
export async function fetchJson<T>(url: string, signal?: AbortSignal): Promise<T> {
  const response = await fetch(url, { signal, headers: { accept: "application/json" }, cache: "no-store" });
  if (!response.ok) {
    let message = messageForStatus(response.status);
    if (response.status !== 403) {
      try {
        message = errorText(await response.json()) ?? message;
      } catch {
        // Not JSON: keep the generic message.
      }
    }
    throw new HttpError(response.status, message);
  }
  return (await response.json()) as T;
}
