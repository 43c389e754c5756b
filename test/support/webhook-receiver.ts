/**
 * Test support: a real HTTP receiver for webhook deliveries (node:http on an ephemeral port of
 * 127.0.0.1). Each path answers from its own script of answers (a status code, or `hang`: never
 * answer), the last one repeating; every request is recorded with its headers and body.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type ReceiverAnswer = number | "hang";

export interface ReceivedRequest {
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

export interface WebhookReceiver {
  /** `http://127.0.0.1:<port>` */
  url: string;
  received: ReceivedRequest[];
  /** The answers of `path` in order; the last one repeats (default: 200). */
  script(path: string, answers: readonly ReceiverAnswer[]): void;
  /** The requests made to `path`. */
  on(path: string): ReceivedRequest[];
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const scripts = new Map<string, ReceiverAnswer[]>();
  const counts = new Map<string, number>();
  const received: ReceivedRequest[] = [];
  const hanging = new Set<ServerResponse>();

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const path = req.url ?? "/";
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers[k] = v;
      received.push({ path, headers, body: Buffer.concat(chunks).toString("utf8"), at: Date.now() });
      const n = counts.get(path) ?? 0;
      counts.set(path, n + 1);
      const answers = scripts.get(path) ?? [200];
      const answer = answers[Math.min(n, answers.length - 1)] ?? 200;
      if (answer === "hang") {
        hanging.add(res);
        res.on("close", () => hanging.delete(res));
        return;
      }
      res.writeHead(answer, { "content-type": "text/plain" });
      res.end(answer >= 200 && answer < 300 ? "ok" : "no");
    });
  };

  const server = createServer(handle);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    script(path, answers) {
      scripts.set(path, [...answers]);
      counts.set(path, 0);
    },
    on(path) {
      return received.filter((r) => r.path === path);
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
