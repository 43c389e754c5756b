import "server-only";
import { AppError } from "@/lib/domain/app-error";
import type { Operation } from "@/lib/domain/operation";
import { getStore } from "@/lib/store";
import { parseInput, type ApiContext } from "./respond";
import { operationIdSchema } from "./schemas";

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
