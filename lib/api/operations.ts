import "server-only";
import { AppError } from "@/lib/domain/app-error";
import type { Operation } from "@/lib/domain/operation";
import { getStore } from "@/lib/store";
import { signalAs } from "@/lib/actions/progressive-service";
import type { ProgressiveSignalKind } from "@/lib/runtime/progressive-signals";
import { apiPost, parseInput, type ApiContext } from "./respond";
import { controlBodySchema, operationIdSchema } from "./schemas";

/** The operation a path names, if the caller may see its application; not_found / forbidden otherwise. */
export async function operationFor(ctx: ApiContext, params: Promise<{ id: string }>): Promise<Operation> {
  const id = parseInput(operationIdSchema, (await params).id, "Not an operation id");
  const operation = await (await getStore()).getOperation(id);
  if (!operation) throw new AppError("not_found", "There is no such operation.");
  ctx.requireApp(operation.appId);
  return operation;
}

/** The operation as it is now (after an abort or a resume). */
export async function operationNow(id: string): Promise<Operation> {
  const operation = await (await getStore()).getOperation(id);
  if (!operation) throw new AppError("not_found", "There is no such operation.");
  return operation;
}

/**
 * `POST /api/v1/operations/{id}/hold|continue|approve`: an operator's signal to a running
 * progressive delivery (operators and up, or an API token of that role). 202 with the operation.
 */
export function progressiveSignalRoute(kind: ProgressiveSignalKind) {
  return async function POST(req: Request, ctx: { params: Promise<{ id: string }> }): Promise<Response> {
    return apiPost(req, async (api, body) => {
      api.require("shift");
      const { reason } = parseInput(controlBodySchema, body);
      const operation = await operationFor(api, ctx.params);
      await signalAs(api.caller.actor, operation.appId, operation.id, kind, reason);
      return { status: 202, body: { operation: await operationNow(operation.id) } };
    });
  };
}
