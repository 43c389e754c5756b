/**
 * An in-memory AwsGateway for tests: records every call and poll, answers with configured outputs,
 * fails where told to, and can hold a call or a poll at a gate until the test releases it.
 */

import type { AwsCall, WaitCondition } from "@/lib/domain/plan";
import type { AwsCallInfo, AwsGateway } from "@/lib/domain/gateway";
import type { JsonValue } from "@/lib/domain/basics";

/** A point where the fake blocks: `reached` resolves when something arrives, `release()` lets it through. */
export class Gate {
  private arrived!: () => void;
  private opened!: () => void;
  readonly reached: Promise<void>;
  private readonly open: Promise<void>;
  arrivals = 0;

  constructor() {
    this.reached = new Promise<void>((resolve) => {
      this.arrived = resolve;
    });
    this.open = new Promise<void>((resolve) => {
      this.opened = resolve;
    });
  }

  async pass(): Promise<void> {
    this.arrivals++;
    this.arrived();
    await this.open;
  }

  release(): void {
    this.opened();
  }
}

type CheckAnswer = { done: boolean; detail: string };

export class FakeGateway implements AwsGateway {
  readonly calls: AwsCall[] = [];
  /** The abort signal each call was given (same order as `calls`). */
  readonly signals: (AbortSignal | undefined)[] = [];
  readonly checks: { wait: WaitCondition; output: JsonValue | null }[] = [];
  private readonly outputs = new Map<string, (call: AwsCall) => JsonValue | Promise<JsonValue>>();
  private readonly failures = new Map<string, () => Error>();
  private readonly gates = new Map<string, Gate>();
  private answer: (wait: WaitCondition, output: JsonValue | null, attempt: number) => CheckAnswer | Promise<CheckAnswer> = () => ({
    done: true,
    detail: "ok",
  });
  private checkAttempts = new Map<string, number>();
  private readonly sdkAttempts = new Map<string, number>();

  /** The output of every call of `operation` (default `{}`). */
  respond(operation: string, output: (call: AwsCall) => JsonValue | Promise<JsonValue>): this {
    this.outputs.set(operation, output);
    return this;
  }

  /** Every call of `operation` throws `error()`. */
  fail(operation: string, error: () => Error): this {
    this.failures.set(operation, error);
    return this;
  }

  /** How polls answer; `attempt` counts from 1 per wait kind. Default: done at once. */
  checkWith(answer: (wait: WaitCondition, output: JsonValue | null, attempt: number) => CheckAnswer | Promise<CheckAnswer>): this {
    this.answer = answer;
    return this;
  }

  /** Reports `attempts` SDK attempts (retries included) for every call of `operation`, as the real gateway does. */
  attempts(operation: string, attempts: number): this {
    this.sdkAttempts.set(operation, attempts);
    return this;
  }

  /** Holds calls of `operation` (or polls, with key `check:<kind>`) until the gate is released. */
  gate(key: string): Gate {
    const gate = new Gate();
    this.gates.set(key, gate);
    return gate;
  }

  operations(): string[] {
    return this.calls.map((c) => c.operation);
  }

  async call(call: AwsCall, observe?: (info: AwsCallInfo) => void, options?: { signal?: AbortSignal }): Promise<JsonValue> {
    this.calls.push(call);
    this.signals.push(options?.signal);
    await this.gates.get(call.operation)?.pass();
    const attempts = this.sdkAttempts.get(call.operation);
    if (attempts !== undefined) observe?.({ attempts, totalRetryDelayMs: 0 });
    const failure = this.failures.get(call.operation);
    if (failure) throw failure();
    const output = this.outputs.get(call.operation);
    return output ? await output(call) : {};
  }

  async check(wait: WaitCondition, output: JsonValue | null): Promise<CheckAnswer> {
    this.checks.push({ wait, output });
    const attempt = (this.checkAttempts.get(wait.kind) ?? 0) + 1;
    this.checkAttempts.set(wait.kind, attempt);
    await this.gates.get(`check:${wait.kind}`)?.pass();
    return this.answer(wait, output, attempt);
  }
}
