/** Types for scripts/pg-cluster.mjs (a plain Node script, imported by the store and engine tests). */

export interface PgCluster {
  /** postgresql://postgres@127.0.0.1:<port>/<database>, trust auth. */
  url: string;
  /** The temp directory holding the data directory, the socket and the server log. */
  dir: string;
  port: number;
  /** Stops the server and removes the directory. */
  stop(): Promise<void>;
}

export function findPgBinDir(): string;

export function startPgCluster(options?: { database?: string }): Promise<PgCluster>;
