// Every limit archsim puts on its input, in one place, so the schema, the loader, the CLI and
// the README's "Security" section quote the same figures. They exist so that no file, however
// written, can make archsim run for ever or exhaust the machine's memory: each is far above
// what a real system needs, and the ones a large real input could reach can be raised.

export const LIMITS = {
  /** Bytes read from any one input file; raise with --max-input-size or ARCHSIM_MAX_INPUT_SIZE. */
  inputBytes: 16 * 1024 * 1024,
  /** YAML nodes in one document after aliases are expanded (values, keys and collections). */
  yamlNodes: 2_000_000,
  /** Aliases (*name) in one YAML document. */
  yamlAliases: 1000,
  /** Nesting depth of collections in one YAML document. */
  yamlDepth: 64,
  /** Error lines printed per file before "… and N more". */
  errorsPerFile: 50,
  /** Replicas of a unit, gateway or extra; autoscale max. */
  replicas: 1000,
  /** Workers per unit replica. */
  workers: 256,
  /** Connection pool per unit replica. */
  pool: 10_000,
  /** Any rate (requests per second): blueprint, workload profile, --rate. */
  ratePerSecond: 1_000_000,
  /** Any duration in a blueprint or on the command line: 30 days. */
  durationMs: 30 * 86_400_000,
  /** Simulated time (duration + warm-up) of one DES run: 10^7 s (about 116 days), the longest run the
   * engine's time arithmetic is tested for; the request budget below is what bounds the work. */
  simulatedMs: 1e10,
  /** Independent replications of one simulation. */
  replications: 1000,
  /** Closed-workload users; WebSocket connections. */
  users: 1_000_000,
  /** Any payload size: 1 GiB. */
  sizeBytes: 1024 ** 3,
  /** Any amount of money per month. */
  usd: 1e9,
  /** Requests one DES run may simulate over all replications (rate × duration × replications). */
  desRequests: 20_000_000,
  /**
   * Their compiled program words (requests × words a request, simulate.ts wordsPerRequest): the
   * request budget at 50 words a request (a layout of eight services, a gateway and a broker: about 30 s here).
   */
  desWords: 1_000_000_000,
  /** A call's count (times the caller makes it per run of its operation). */
  callCount: 1000,
  /** Calls in one request's call tree, counts multiplied down the tree: the DES runs every one. */
  callSteps: 10_000,
  /** Length of a name that becomes a Kubernetes object name (leaves room for "-config", "-data"). */
  k8sName: 50,
} as const;

/** Environment variable that raises the input size cap (bytes, or a size such as 64MiB). */
export const MAX_INPUT_ENV = 'ARCHSIM_MAX_INPUT_SIZE';
