/**
 * The chain head exported outside the database: appended to a file as one JSON line per export,
 * or POSTed to a webhook. `npm run audit:verify` compares the database with the last one, so
 * records deleted from the end of the log (with the head moved back) are noticed.
 */

import { appendFile, mkdir, readFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { ExportedHead } from "./audit-hash";
import type { HeadSinkTarget } from "./audit-key";

/** An exported head with its MAC under the audit key. */
export interface SignedHead {
  head: ExportedHead;
  mac: string;
}

const WEBHOOK_TIMEOUT_MS = 5_000;

export async function writeExportedHead(sink: HeadSinkTarget, signed: SignedHead): Promise<void> {
  const line = JSON.stringify({ v: 1, ...signed });
  if (sink.kind === "file") {
    await mkdir(dirname(/*turbopackIgnore: true*/ sink.path), { recursive: true });
    await appendFile(/*turbopackIgnore: true*/ sink.path, `${line}\n`, { mode: 0o600 });
    return;
  }
  const res = await fetch(sink.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: line,
    signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
  });
  if (!res.ok) throw new Error(`the audit head webhook answered ${res.status}`);
}

function isHash(value: unknown): value is string {
  return typeof value === "string" && /^[0-9a-f]{64}$/.test(value);
}

function isSeqHash(value: unknown): value is { seq: number; hash: string } {
  if (typeof value !== "object" || value === null) return false;
  const { seq, hash } = value as Record<string, unknown>;
  return typeof seq === "number" && Number.isSafeInteger(seq) && seq >= 0 && isHash(hash);
}

/** One exported line, or null when it is not one (the caller says which line). */
export function parseExportedHead(line: string): SignedHead | null {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null) return null;
  const { head, mac } = value as Record<string, unknown>;
  if (!isHash(mac) || typeof head !== "object" || head === null) return null;
  const { at, audit, journal, keyedFrom } = head as Record<string, unknown>;
  if (typeof at !== "string" || !isSeqHash(audit) || !isSeqHash(journal) || typeof keyedFrom !== "number" || !Number.isSafeInteger(keyedFrom))
    return null;
  return { head: { at, audit: { seq: audit.seq, hash: audit.hash }, journal: { seq: journal.seq, hash: journal.hash }, keyedFrom }, mac };
}

/**
 * Every head in an export file, oldest first (exports are appended in order). Empty when the file
 * does not exist; throws naming the line when one is not an exported head.
 */
export async function readExportedHeads(path: string): Promise<SignedHead[]> {
  let text: string;
  try {
    text = await readFile(/*turbopackIgnore: true*/ path, "utf8");
  } catch (error) {
    if (error instanceof Error && "code" in error && error.code === "ENOENT") return [];
    throw error;
  }
  const heads: SignedHead[] = [];
  text.split("\n").forEach((line, i) => {
    if (line.trim() === "") return;
    const parsed = parseExportedHead(line);
    if (!parsed) throw new Error(`line ${i + 1} of ${path} is not an exported audit head`);
    heads.push(parsed);
  });
  return heads;
}

/** The newest head in an export file, or null when there is none. */
export async function readLastExportedHead(path: string): Promise<SignedHead | null> {
  const heads = await readExportedHeads(path);
  return heads[heads.length - 1] ?? null;
}
