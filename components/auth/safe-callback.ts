// The sign-in page and form follow a callback only on Teal's own origin (see lib/auth/safe-redirect).
export { safeCallbackUrl, sameOriginPath, sameOriginRedirect } from "@/lib/auth/safe-redirect";
