import { NextResponse, type NextRequest } from "next/server";
import { servedOverHttps } from "@/lib/auth/build-options";
import { hashKioskSecret, isKioskSecret, KIOSK_COOKIE } from "@/lib/auth/kiosk-token";
import { getStore } from "@/lib/store";

export const dynamic = "force-dynamic";

// Browsers cap cookie lifetimes at 400 days; the token's validity is decided on the server at every poll.
const COOKIE_MAX_AGE_S = 365 * 24 * 60 * 60;

// Wall link: checks the kiosk token, keeps it in an HttpOnly cookie for the wall's polls, and drops it from the URL.
export async function GET(req: NextRequest) {
  const secret = req.nextUrl.searchParams.get("token") ?? "";
  const token = isKioskSecret(secret) ? await (await getStore()).findKioskTokenByHash(hashKioskSecret(secret)) : null;
  const valid = token !== null && token.revokedAt === null;
  // A relative Location keeps the browser on the host it used: behind a proxy, or on 127.0.0.1
  // versus localhost, an absolute URL built here could point at another site and lose the cookie.
  const response = new NextResponse(null, { status: 303, headers: { location: valid ? "/wall" : "/wall?refused=1", "cache-control": "no-store" } });
  // The token came in the URL: keep it out of any Referer a later request might send.
  response.headers.set("referrer-policy", "no-referrer");
  if (valid) {
    response.cookies.set(KIOSK_COOKIE, secret, {
      httpOnly: true,
      sameSite: "strict",
      // Secure exactly when Teal is served over https (NEXTAUTH_URL), like the session cookie.
      secure: servedOverHttps(process.env),
      path: "/",
      maxAge: COOKIE_MAX_AGE_S,
    });
  } else {
    response.cookies.delete(KIOSK_COOKIE);
  }
  return response;
}
