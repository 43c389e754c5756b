// Crash safety of launch-swap: the engine SIGKILLed at every step of an operation on the demo app.
import { defineCrashSuite } from "./crash-suite";
import { LAUNCH_SWAP_CRASH } from "./crash-scenarios";

defineCrashSuite("launch-swap (launch configurations) shift to 50 %", LAUNCH_SWAP_CRASH);
