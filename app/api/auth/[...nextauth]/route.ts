import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";
import { throttledAnswer } from "@/lib/auth/throttled-answer";

// Sign-in, sign-out and session endpoints of next-auth.
const handler = NextAuth(authOptions);

type Context = { params: Promise<{ nextauth: string[] }> };

// A throttled sign-in is answered 429 with Retry-After (next-auth itself would say 401).
async function post(req: Request, ctx: Context): Promise<Response> {
  return throttledAnswer(await handler(req, ctx));
}

export { handler as GET, post as POST };
