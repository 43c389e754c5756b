import NextAuth from "next-auth";
import { authOptions } from "@/lib/auth/options";

// Sign-in, sign-out and session endpoints of next-auth.
const handler = NextAuth(authOptions);

export { handler as GET, handler as POST };
