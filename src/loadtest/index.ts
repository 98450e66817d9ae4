// The load-testing library's door: what `archsim loadtest` and `archsim calibrate` are built on.
export { LoadTestResult, parseResult, parseResults, resultJsonSchema, ERROR_KINDS, type MeasuredOperation, type ProcessUsage, type Latency, type Errors } from './result.js';
export { runDriver, runDriverInChild, type DriverOptions, type DriverReport, type Progress } from './driver/index.js';
export { loadTestTarget, loadTestTargetK6, type TargetRun } from './target.js';
export { assertLoopback, loadScenario, trivialScenario, LoopbackError, type RequestScenario, type ScenarioOperation, type ScenarioRef, type RequestSpec, type RequestContext } from './scenario.js';
export { planPinning, pinPid, pinSut, pinDriver, pinnedCommand, type PinPlan } from './pin.js';
export { readProc, sampleProcesses, processUsage, descendants, type ProcTarget } from './proc.js';
export { findK6, runK6, parseK6Summary, k6Result, k6Wrapper, countK6Ndjson, type K6Summary } from './k6.js';
export { calibrate, overlayYaml, nnls, type Calibration } from './calibrate.js';
export { planLoad, type LoadPlan } from './plan.js';
export { startLayoutUnderTest, seedAndScenario, processesOfLayout, k6ScriptForLayout, UnsupportedSystemError, type SystemUnderTest, type StartedProcesses } from './layout-run.js';
export { startTrivialServer, type TrivialServer } from './trivial-server.js';
