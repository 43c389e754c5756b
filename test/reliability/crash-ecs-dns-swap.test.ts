// Crash safety of ecs-dns-swap: the engine SIGKILLed at every step of an operation on the demo app.
import { defineCrashSuite } from "./crash-suite";
import { ECS_DNS_SWAP_CRASH } from "./crash-scenarios";

defineCrashSuite("ecs-dns-swap shift to 50 %", ECS_DNS_SWAP_CRASH);
