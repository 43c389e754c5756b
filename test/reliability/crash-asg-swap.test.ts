// Crash safety of asg-swap: the engine SIGKILLed at every step of an operation on the demo app.
import { defineCrashSuite } from "./crash-suite";
import { ASG_SWAP_CRASH } from "./crash-scenarios";

defineCrashSuite("asg-swap shift to 50 %", ASG_SWAP_CRASH);
