/** Sizes and durations of one benchmark run; `quick` and `full` are what `npm run bench` offers. */
export interface Profile {
  readonly name: 'smoke' | 'quick' | 'full';
  /** Subscriber processes of the load generator (one more process publishes). */
  readonly subscriberWorkers: number;
  /** How long each measured step publishes. */
  readonly stepMs: number;
  /** How long to wait for the last deliveries of a step. */
  readonly drainMs: number;
  /** (a) fan-out: subscribers in one room; rates stepped, then raised until p99 passes 100 ms. */
  readonly fanout: { readonly subscribers: number; readonly rates: readonly number[]; readonly saturationRates: readonly number[] };
  /** (b) many rooms: rooms × members, every member publishing; per-member rates stepped. */
  readonly rooms: { readonly rooms: number; readonly members: number; readonly ratesPerMember: readonly number[] };
  /** (c) idle capacity: connections opened and held on one server process. */
  readonly idle: { readonly connections: number; readonly holdMs: number };
  /** (d) record path: subscribers of a table, REST writes per second stepped per database. */
  readonly record: {
    readonly subscribers: number;
    readonly records: number;
    readonly pgliteRates: readonly number[];
    readonly postgresRates: readonly number[];
  };
  /**
   * (e) two nodes: fan-out and record path, single node against two nodes. The write rate is one a single node sustains,
   * so the comparison measures what crossing nodes adds rather than queueing behind an overloaded database.
   */
  readonly twoNodes: { readonly subscribers: number; readonly fanoutRate: number; readonly writeRate: number; readonly writeSubscribers: number };
  /** (f) reconnect storm: clients dropped at once while events keep coming. */
  readonly storm: { readonly clients: number; readonly rate: number; readonly warmupMs: number; readonly afterMs: number; readonly jitterMs: number };
  /**
   * (g) operations: fan-out and record path with the operations features off and on, at rates one
   * PGlite node sustains; `rounds` alternate the two (off → on, then on → off), each deployment
   * measuring `steps` steps at the same rate after its warm-up, and its idle CPU over `idleMs` before the fan-out's.
   */
  readonly operations: {
    readonly subscribers: number;
    readonly fanoutRate: number;
    readonly writeRate: number;
    readonly writeSubscribers: number;
    readonly rounds: number;
    readonly steps: number;
    readonly idleMs: number;
  };
}

/** Seconds-long runs with a few hundred connections, for checking the harness while developing. */
export const SMOKE: Profile = {
  name: 'smoke',
  subscriberWorkers: 2,
  stepMs: 1000,
  drainMs: 1000,
  fanout: { subscribers: 100, rates: [10, 50], saturationRates: [200] },
  rooms: { rooms: 20, members: 5, ratesPerMember: [1] },
  idle: { connections: 300, holdMs: 500 },
  record: { subscribers: 20, records: 20, pgliteRates: [50], postgresRates: [100] },
  twoNodes: { subscribers: 100, fanoutRate: 20, writeRate: 50, writeSubscribers: 20 },
  storm: { clients: 200, rate: 10, warmupMs: 1000, afterMs: 2000, jitterMs: 200 },
  operations: { subscribers: 100, fanoutRate: 20, writeRate: 50, writeSubscribers: 20, rounds: 1, steps: 1, idleMs: 2000 },
};

/** Under seven minutes (about four for issue 6's workloads, three for the operations overhead): reduced counts and short steps. */
export const QUICK: Profile = {
  name: 'quick',
  subscriberWorkers: 3,
  stepMs: 2500,
  drainMs: 1500,
  fanout: { subscribers: 1000, rates: [10, 50, 100], saturationRates: [200, 400, 800] },
  rooms: { rooms: 400, members: 5, ratesPerMember: [0.5, 2] },
  idle: { connections: 5000, holdMs: 1000 },
  record: { subscribers: 100, records: 200, pgliteRates: [100, 300], postgresRates: [300, 1000] },
  twoNodes: { subscribers: 500, fanoutRate: 50, writeRate: 100, writeSubscribers: 100 },
  storm: { clients: 1000, rate: 10, warmupMs: 1500, afterMs: 3000, jitterMs: 500 },
  operations: { subscribers: 500, fanoutRate: 50, writeRate: 200, writeSubscribers: 100, rounds: 2, steps: 3, idleMs: 10_000 },
};

/** Under thirty minutes: the full counts. */
export const FULL: Profile = {
  name: 'full',
  subscriberWorkers: 4,
  stepMs: 8000,
  drainMs: 3000,
  fanout: { subscribers: 1000, rates: [10, 50, 100], saturationRates: [200, 400, 800, 1600] },
  rooms: { rooms: 2000, members: 5, ratesPerMember: [0.2, 0.5, 1] },
  idle: { connections: 19_000, holdMs: 5000 },
  record: { subscribers: 100, records: 500, pgliteRates: [100, 200, 300, 400], postgresRates: [250, 500, 1000, 1500] },
  twoNodes: { subscribers: 1000, fanoutRate: 50, writeRate: 150, writeSubscribers: 100 },
  storm: { clients: 5000, rate: 10, warmupMs: 3000, afterMs: 8000, jitterMs: 1000 },
  operations: { subscribers: 1000, fanoutRate: 50, writeRate: 200, writeSubscribers: 100, rounds: 2, steps: 2, idleMs: 15_000 },
};

/** The profiles by name. */
export const PROFILES = { smoke: SMOKE, quick: QUICK, full: FULL } as const;
