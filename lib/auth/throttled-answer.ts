import { THROTTLED_ERROR } from "./build-options";

/**
 * next-auth answers a refused credentials sign-in with 401 and `{"url": ".../error?error=…"}`;
 * when the refusal is the throttle's (`Throttled:<seconds>`), the same body goes out as 429 with a
 * Retry-After header, so clients and proxies see a rate limit rather than a wrong password.
 */
export async function throttledAnswer(response: Response): Promise<Response> {
  if (response.status !== 401 || !(response.headers.get("content-type") ?? "").includes("application/json")) return response;
  const body = await response.text();
  let seconds: number | null = null;
  try {
    const parsed: unknown = JSON.parse(body);
    const url = parsed && typeof parsed === "object" && "url" in parsed && typeof parsed.url === "string" ? parsed.url : "";
    const match = new RegExp(`^${THROTTLED_ERROR}:(\\d{1,6})$`).exec(new URL(url, "http://teal.invalid").searchParams.get("error") ?? "");
    seconds = match?.[1] ? Number(match[1]) : null;
  } catch {
    seconds = null;
  }
  const headers = new Headers(response.headers);
  if (seconds === null) return new Response(body, { status: response.status, headers });
  headers.set("retry-after", String(seconds));
  return new Response(body, { status: 429, headers });
}
