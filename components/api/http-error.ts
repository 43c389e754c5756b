/** A failed GET against Teal's own API, carrying the HTTP status so callers can tell auth errors apart. */
export class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = "HttpError";
    this.status = status;
  }
}

/** Message for a status the route handler did not explain itself. */
export function messageForStatus(status: number): string {
  if (status === 401) return "Your session has ended. Sign in again.";
  if (status === 403) return "Permission denied";
  if (status === 404) return "Not found";
  if (status === 429) return "Too many requests; retrying shortly.";
  if (status >= 500) return "The server could not read this right now.";
  return `Request failed (${status})`;
}

/** Auth errors are final: retrying a 401/403 only hammers the server and delays the message. */
export function isAuthError(error: unknown): boolean {
  return error instanceof HttpError && (error.status === 401 || error.status === 403);
}

/** react-query retry policy: never retry auth errors or 404s, retry other failures twice. */
export function shouldRetry(failureCount: number, error: unknown): boolean {
  if (isAuthError(error)) return false;
  if (error instanceof HttpError && error.status === 404) return false;
  return failureCount < 2;
}
