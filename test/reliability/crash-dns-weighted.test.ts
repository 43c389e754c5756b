// Crash safety of dns-weighted: the engine SIGKILLed at every step of a shift of the demo app.
import { defineCrashSuite } from "./crash-suite";
import { DNS_WEIGHTED_CRASH } from "./crash-scenarios";

defineCrashSuite("dns-weighted shift to 50 %", DNS_WEIGHTED_CRASH);
