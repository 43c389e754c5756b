// Crash safety of ecs-elb-swap: the engine SIGKILLed at every step of an operation on the demo app.
import { defineCrashSuite } from "./crash-suite";
import { ECS_ELB_SWAP_CRASH } from "./crash-scenarios";

defineCrashSuite("ecs-elb-swap shift to 50 %", ECS_ELB_SWAP_CRASH);
