/** Only same-origin paths are followed after sign-in ("/apps/x"), never "//evil" or absolute URLs. */
export function safeCallbackUrl(raw: string | string[] | undefined | null): string {
  const value = Array.isArray(raw) ? raw[0] : raw;
  if (!value || !value.startsWith("/") || value.startsWith("//") || value.startsWith("/\\")) return "/";
  if (value.startsWith("/signin")) return "/";
  return value;
}
