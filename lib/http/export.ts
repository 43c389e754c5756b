import "server-only";
import type { Capability } from "@/lib/auth/roles";
import { requireRole } from "@/lib/auth/session";
import type { Actor } from "@/lib/domain/operation";
import { errorResponse } from "./route";

export interface ExportFile {
  body: string;
  contentType: string;
  fileName: string;
}

/**
 * GET routes that answer with a file to save: the caller's role is checked first (sessions only,
 * never kiosk tokens), then the handler builds the file; errors stay JSON with a user-safe message.
 */
export async function authorizedExport(capability: Capability, handler: (actor: Actor) => Promise<ExportFile>): Promise<Response> {
  try {
    const actor = await requireRole(capability);
    const file = await handler(actor);
    return new Response(file.body, {
      headers: {
        "content-type": file.contentType,
        "content-disposition": `attachment; filename="${file.fileName}"`,
        "cache-control": "no-store",
        "x-content-type-options": "nosniff",
      },
    });
  } catch (err) {
    return errorResponse(err);
  }
}
