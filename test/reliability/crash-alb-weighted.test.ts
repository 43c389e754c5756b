// Crash safety of alb-weighted: the engine SIGKILLed at every step of an operation on the demo app.
import { defineCrashSuite } from "./crash-suite";
import { ALB_WEIGHTED_CRASH } from "./crash-scenarios";

defineCrashSuite("alb-weighted shift to 50 %", ALB_WEIGHTED_CRASH);
