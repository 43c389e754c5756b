const DEMO_USERS = [
  { email: "viewer@example.com", role: "Viewer", can: "read only" },
  { email: "responder@example.com", role: "Responder", can: "roll back, abort" },
  { email: "operator@example.com", role: "Operator", can: "shift, roll back, abort" },
  { email: "admin@example.com", role: "Admin", can: "everything" },
] as const;

/** Shown on the practice range only: the demo sign-ins. */
export function DemoUsersHint() {
  return (
    <aside
      aria-labelledby="demo-users-heading"
      className="rounded-lg border border-teal-200 bg-teal-50/70 p-4 text-sm dark:border-teal-900 dark:bg-teal-950/40"
    >
      <h2 id="demo-users-heading" className="font-semibold text-teal-900 dark:text-teal-100">
        Practice range sign-ins
      </h2>
      <p className="mt-0.5 text-xs text-teal-900/80 dark:text-teal-200/80">
        Password for all: <code className="rounded bg-white/70 px-1 font-mono dark:bg-slate-900">teal-demo</code>
      </p>
      <table className="mt-2 w-full text-xs">
        <caption className="sr-only">Demo users</caption>
        <tbody>
          {DEMO_USERS.map((u) => (
            <tr key={u.email}>
              <td className="py-0.5 pr-3 font-mono text-slate-800 dark:text-slate-200">{u.email}</td>
              <td className="py-0.5 pr-3 font-medium text-slate-700 dark:text-slate-300">{u.role}</td>
              <td className="py-0.5 text-slate-500 dark:text-slate-400">{u.can}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </aside>
  );
}
