import { LogoMark } from "@/components/shell/logo-mark";

/** Shown instead of the wall when the screen has neither a valid kiosk token nor a session. */
export function WallRefused({ message }: { message: string }) {
  return (
    <main className="flex h-screen flex-col items-center justify-center gap-8 bg-slate-950 p-16 text-center text-white">
      <LogoMark className="size-20" />
      <h1 className="text-6xl font-bold">
        <span aria-hidden="true" className="text-rose-400">
          ✕{" "}
        </span>
        This wall is not authorized
      </h1>
      <p className="max-w-4xl text-[32px] text-slate-200">{message}</p>
      <p className="max-w-4xl text-[32px] text-slate-300">
        An admin creates wall links on the Settings page of Teal. Signed-in users can open /wall directly.
      </p>
    </main>
  );
}
