import { safeCallbackUrl } from "@/lib/auth/safe-redirect";

/** Request header the proxy sets on every page request: the path and query the browser asked for. */
export const REQUESTED_PATH_HEADER = "x-teal-requested-path";

/**
 * The sign-in address that brings a signed-out visitor back to the page they asked for. Only a
 * same-origin path survives (anything else, or no header, signs in to the overview).
 */
export function signInUrlFor(requestedPath: string | null | undefined): string {
  const back = safeCallbackUrl(requestedPath ?? null);
  return back === "/" ? "/signin" : `/signin?callbackUrl=${encodeURIComponent(back)}`;
}
