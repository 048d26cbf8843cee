// Compare-and-set for MongoDB-compatible servers, the one place that picks how. MongoDB makes
// `replaceOne({ _id, version })` atomic: one command. FerretDB 1.x checks the filter and writes in separate steps,
// so two concurrent writers from the same version both "win"; there each write first claims its target version
// with a unique-_id insert (atomic everywhere), and only the claim's owner may then replace the document.
import { MongoServerError, type Collection, type Db, type Document, type Filter, type WithoutId } from 'mongodb';
import { RecordBusyError } from '../ports/storeErrors';

export interface ClaimDocument {
  _id: string;
  /** Wall-clock ms when the claim was taken; a claim whose writer died is taken over after `staleAfterMs`. */
  at: number;
}

export interface CompareAndSetOptions<TDoc extends Document & { _id: string; version: number }> {
  readonly target: Collection<TDoc>;
  readonly claims: Collection<ClaimDocument>;
  /** Distinguishes the claims of different collections that share the claims collection. */
  readonly scope: string;
  readonly id: string;
  readonly expectedVersion: number;
  /** The whole new document without _id; its version must be expectedVersion + 1. */
  readonly replacement: WithoutId<TDoc>;
  /** How long a claim may stand without its write landing before another writer may take it over. */
  readonly staleAfterMs?: number;
  /**
   * A claim older than this whose write has not landed is no race being lost (a live writer replaces within
   * milliseconds) but a writer that died: the caller gets RecordBusyError, saying when to retry, instead of a
   * conflict that would send the person round a retry loop to the "changed somewhere else" message.
   */
  readonly heldAfterMs?: number;
  readonly now?: () => number;
  /** Forces a strategy; by default the one chosen or detected for the target's database. */
  readonly strategy?: CompareAndSetStrategy;
}

export type CompareAndSetResult = 'saved' | 'conflict';

/** 'conditional': one filtered replace (MongoDB). 'claims': version claims around it (FerretDB 1.x). */
export type CompareAndSetStrategy = 'conditional' | 'claims';
/** 'detect' asks the server once (buildInfo); tests force either strategy. */
export type CompareAndSetChoice = CompareAndSetStrategy | 'detect';

/** FerretDB names itself in buildInfo with a `ferretdbVersion` field; MongoDB and Cosmos DB do not. */
export async function detectCompareAndSetStrategy(db: Pick<Db, 'command'>): Promise<CompareAndSetStrategy> {
  const info = await db.command({ buildInfo: 1 });
  return 'ferretdbVersion' in info ? 'claims' : 'conditional';
}

// Per Db object (the stores, bot state and job queue share the stores' one), so the choice is made once.
const chosen = new WeakMap<Db, CompareAndSetStrategy>();
const detecting = new WeakMap<Db, Promise<CompareAndSetStrategy>>();

/** Fixes the strategy for this database handle; 'detect' leaves it to the first compare-and-set. */
export function chooseCompareAndSetStrategy(db: Db, choice: CompareAndSetChoice): void {
  if (choice === 'detect') chosen.delete(db);
  else chosen.set(db, choice);
}

/** The strategy for this database handle: the chosen one, else detected once (a failed detection is retried). */
export async function compareAndSetStrategyFor(db: Db): Promise<CompareAndSetStrategy> {
  const fixed = chosen.get(db);
  if (fixed) return fixed;
  let pending = detecting.get(db);
  if (!pending) {
    pending = detectCompareAndSetStrategy(db).then(
      (strategy) => {
        chosen.set(db, strategy);
        return strategy;
      },
      (error: unknown) => {
        detecting.delete(db);
        throw error;
      },
    );
    detecting.set(db, pending);
  }
  return pending;
}

const DEFAULT_STALE_AFTER_MS = 30_000;
const DEFAULT_HELD_AFTER_MS = 2_000;

const isDuplicateKey = (error: unknown): boolean => error instanceof MongoServerError && error.code === 11000;

const claimId = (scope: string, id: string, version: number): string => `${scope}\u0000${id}\u0000${version}`;

export async function compareAndSet<TDoc extends Document & { _id: string; version: number }>(
  options: CompareAndSetOptions<TDoc>,
): Promise<CompareAndSetResult> {
  const strategy = options.strategy ?? (await compareAndSetStrategyFor(options.target.db));
  if (strategy === 'conditional') return conditionalReplace(options);
  return replaceWithClaims(options);
}

/** One command: the server checks the version and writes atomically (MongoDB, not FerretDB 1.x). */
async function conditionalReplace<TDoc extends Document & { _id: string; version: number }>(
  options: CompareAndSetOptions<TDoc>,
): Promise<CompareAndSetResult> {
  const filter = { _id: options.id, version: options.expectedVersion } as Filter<TDoc>;
  const { matchedCount } = await options.target.replaceOne(filter, options.replacement);
  return matchedCount === 1 ? 'saved' : 'conflict';
}

async function replaceWithClaims<TDoc extends Document & { _id: string; version: number }>(
  options: CompareAndSetOptions<TDoc>,
): Promise<CompareAndSetResult> {
  const { target, claims, scope, id, expectedVersion } = options;
  const now = options.now ?? Date.now;
  const staleAfterMs = options.staleAfterMs ?? DEFAULT_STALE_AFTER_MS;
  const mine = claimId(scope, id, expectedVersion + 1);
  if (!(await claim(claims, mine, now()))) {
    const takeOver = await takeOverStaleClaim(options, mine, now(), staleAfterMs, options.heldAfterMs ?? DEFAULT_HELD_AFTER_MS);
    if (takeOver === 'conflict') return 'conflict';
    if (takeOver !== 'taken') throw new RecordBusyError(takeOver.retryAfterMs);
  }
  const filter = { _id: id, version: expectedVersion } as Filter<TDoc>;
  let matched: number;
  try {
    matched = (await target.replaceOne(filter, options.replacement)).matchedCount;
  } catch (error) {
    // The write failed (e.g. a unique index): release the claim so the document is not left blocked.
    await claims.deleteOne({ _id: mine }).catch(() => undefined);
    throw error;
  }
  if (matched === 0) {
    await claims.deleteOne({ _id: mine });
    return 'conflict';
  }
  // The claim on the version we replaced is no longer needed; only the newest claim guards anything.
  await claims.deleteOne({ _id: claimId(scope, id, expectedVersion) }).catch(() => undefined);
  return 'saved';
}

async function claim(claims: Collection<ClaimDocument>, id: string, at: number): Promise<boolean> {
  try {
    await claims.insertOne({ _id: id, at });
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

/**
 * A claim whose write never landed (its writer crashed between claim and replace) would block the document
 * forever. Once it is older than staleAfterMs and the document is still at the expected version, exactly one
 * writer deletes it (deleteOne on its exact `at` is atomic) and claims afresh. Before that, a claim older than
 * heldAfterMs on a document still at the expected version is reported as held, with the time left.
 */
async function takeOverStaleClaim<TDoc extends Document & { _id: string; version: number }>(
  options: CompareAndSetOptions<TDoc>,
  mine: string,
  now: number,
  staleAfterMs: number,
  heldAfterMs: number,
): Promise<'taken' | 'conflict' | { readonly retryAfterMs: number }> {
  const existing = await options.claims.findOne({ _id: mine });
  if (!existing) return 'conflict';
  const age = now - existing.at;
  if (age < heldAfterMs) return 'conflict';
  const current = await options.target.findOne({ _id: options.id } as Filter<TDoc>, { projection: { version: 1 } });
  if (!current || current['version'] !== options.expectedVersion) return 'conflict';
  if (age < staleAfterMs) return { retryAfterMs: staleAfterMs - age };
  const removed = await options.claims.deleteOne({ _id: mine, at: existing.at });
  if (removed.deletedCount !== 1) return 'conflict';
  return (await claim(options.claims, mine, now)) ? 'taken' : 'conflict';
}
