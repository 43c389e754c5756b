// Crash safety of ecs-rolling: the engine SIGKILLed at every step of a revision deploy on the demo app.
import { defineCrashSuite } from "./crash-suite";
import { ECS_ROLLING_CRASH } from "./crash-scenarios";

defineCrashSuite("ecs-rolling deploy of notifications:42", ECS_ROLLING_CRASH);
