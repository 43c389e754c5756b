import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { requireReader } from "@/lib/auth/reader";
import { isAppError } from "@/lib/domain/app-error";
import { WallBoard } from "@/components/wall/wall-board";
import { WallRefused } from "@/components/wall/wall-refused";

export const metadata: Metadata = { title: "Wall" };
export const dynamic = "force-dynamic";

// Read-only wall monitor: a kiosk token (from a ?token= link, then a cookie) or a session may view it.
export default async function WallPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const token = Array.isArray(params.token) ? params.token[0] : params.token;
  // At most this many applications per page (?perPage=N): a small page on a large screen, to check the turning.
  const perPageParam = Array.isArray(params.perPage) ? params.perPage[0] : params.perPage;
  const perPage = perPageParam !== undefined && /^[1-9]\d{0,3}$/.test(perPageParam) ? Number(perPageParam) : null;
  // Pages cannot set cookies: the session route checks the token, sets the cookie and comes back here.
  if (token !== undefined) redirect(`/wall/session?token=${encodeURIComponent(token)}`);
  try {
    const actor = await requireReader();
    return (
      <main>
        <h1 className="sr-only">Teal wall</h1>
        <WallBoard viewer={actor.email} perPage={perPage} />
      </main>
    );
  } catch (err) {
    if (!isAppError(err) || (err.code !== "unauthenticated" && err.code !== "forbidden")) throw err;
    const refused = params.refused !== undefined;
    return <WallRefused message={refused ? "That wall link is not valid: the kiosk token is unknown or was revoked." : err.userMessage} />;
  }
}
