// Runs each webhook delivery once across instances through the WebhookLedger (claim → process → complete), and
// makes a retry that arrives while the first delivery is still running wait, bounded, for that delivery's answer:
// by polling the shared ledger, or sooner through an in-process promise when the first runs in this process.
// The claim is a delivery's one ledger write wherever the answer can be found without a second: the claim carries
// the answer when it is known before processing (final, or prepared while the processing still writes: a retry
// answers it once the processing's own record shows it done), or the processing saves its answer with the record
// it changed (in that record's compare-and-set save). A retry finds those answers through `recall`.
import { performance } from 'node:perf_hooks';
import type { Clock } from '../ports/clock';
import type { ClaimCarrying, ProcessedWebhook, WebhookLedger } from '../ports/repositories';

/** A delivery's ledger entry as a retry reads it (what `recall` is given). */
export type LedgerEntry = ProcessedWebhook;

export interface RetryWait {
  /**
   * Longest a retry waits for the first delivery's answer, in real time. Below Twilio's 15 s webhook timeout, so
   * that the retry itself is still answered (with the "still working" TwiML) when the first is slower than this.
   */
  readonly boundMs: number;
  /** The first pause between looks at the ledger; each pause doubles, up to maxPollMs. */
  readonly firstPollMs: number;
  readonly maxPollMs: number;
  /**
   * A claim still open this long after it was taken (by the clock) is presumed dead (its instance crashed
   * between claim and complete): a retry takes it over atomically (WebhookLedger.takeOver: one winner, even on
   * FerretDB) and processes the delivery itself. Taken over rather than apologised for ever after, because
   * otherwise a crash would leave that text or key press unanswered for the whole retention; running it again is
   * safe because the core applies the event to the state as stored now (a finished enrollment answers "not
   * expected", it is not verified twice). Twice Twilio's webhook timeout, so a merely slow delivery is not rerun.
   */
  readonly takeOverAfterMs: number;
}

export const DEFAULT_RETRY_WAIT: RetryWait = { boundMs: 10_000, firstPollMs: 50, maxPollMs: 1_000, takeOverAfterMs: 30_000 };

export interface OnceOptions {
  /** What the ledger keeps for retries, when the answer itself must not be repeated (it speaks a code). */
  readonly keep?: (answer: string) => string;
  /**
   * The answer the first delivery saved with the record it changed (see Processed.recorded), or the claim's
   * prepared answer once that record shows the processing done; null when there is none (yet): how a retry finds
   * an answer that was not written to the ledger. `entry`: the ledger entry as just read (null: gone).
   */
  readonly recall?: (entry: ProcessedWebhook | null) => Promise<string | null>;
  /**
   * The answer, when the use case knew it before processing: the claim carries it. `response`: final (`work` only
   * hands it back); `prepared`: `work` still writes, and returns it `recorded` (a fault is completed as usual).
   */
  readonly carrying?: ClaimCarrying;
  /** A retry's answer when the first delivery is still running after the bound. */
  readonly stillWorking: () => string;
}

/** What processing answered; `recorded`: `recall` finds this very answer, so the ledger need not keep it. */
export interface Processed {
  readonly answer: string;
  readonly recorded: boolean;
}

export interface WebhookOnceDeps {
  readonly ledger: WebhookLedger;
  readonly clock: Clock;
  readonly wait?: Partial<RetryWait>;
  /** Told when the answer could not be recorded (the delivery was processed; only its retries are affected). */
  readonly onLedgerError: (error: unknown) => void;
}

export class WebhookOnce {
  /** What the ledger will keep, per delivery being processed in this process; null when processing failed. */
  private readonly running = new Map<string, Promise<string | null>>();
  private readonly wait: RetryWait;

  constructor(private readonly deps: WebhookOnceDeps) {
    this.wait = { ...DEFAULT_RETRY_WAIT, ...deps.wait };
  }

  /**
   * The first delivery of `id` runs `work` and gets its answer; any other gets the answer kept for the first.
   * `work` should answer faults itself; a store fault in the ledger rejects (the caller answers it).
   */
  async run(id: string, work: () => Promise<string | Processed>, options: OnceOptions): Promise<string> {
    if (await this.deps.ledger.claim(id, this.deps.clock.now(), options.carrying)) return this.process(id, work, options, 'claimed');
    return this.awaitFirst(id, work, options);
  }

  /**
   * A delivery whose answer is final before any processing (the claim carries `carrying.response`, what retries
   * hear): the claim is all the first delivery does, so it is answered without `run`'s bookkeeping (no `work`,
   * no in-process entry, no completion). `retry` gives the options a later delivery needs, built only then.
   */
  async answer(id: string, answer: string, carrying: { readonly response: string }, retry: () => OnceOptions): Promise<string> {
    if (await this.deps.ledger.claim(id, this.deps.clock.now(), carrying)) return answer;
    const options = retry();
    return this.awaitFirst(id, () => Promise.resolve(answer), { ...options, carrying });
  }

  private async process(id: string, work: () => Promise<string | Processed>, options: OnceOptions, how: 'claimed' | 'takenOver'): Promise<string> {
    const done = (async () => {
      const processed = await work();
      const { answer, recorded } = typeof processed === 'string' ? { answer: processed, recorded: false } : processed;
      const carried = options.carrying;
      // What is recorded is the answer itself: where it must be replaced for retries, the ledger keeps that.
      // A prepared answer stands for work that was done; a fault's answer is kept instead.
      const kept = carried && 'response' in carried ? carried.response : carried && recorded ? carried.prepared : options.keep ? options.keep(answer) : answer;
      if (!this.answerFindable(options, recorded, how)) await this.deps.ledger.complete(id, kept).catch(this.deps.onLedgerError);
      return { answer, kept };
    })();
    const kept = done.then(
      (r) => r.kept,
      () => null,
    );
    this.running.set(id, kept);
    try {
      return (await done).answer;
    } finally {
      // Only our own entry: a takeover in this process may have replaced it meanwhile.
      if (this.running.get(id) === kept) this.running.delete(id);
    }
  }

  /**
   * Whether a retry finds the answer without the ledger being completed: the fresh claim carried it (final), or
   * the processing recorded it where `recall` looks (prepared, or saved with its record). A claim taken over may
   * carry another delivery's prepared answer, so that one is completed.
   */
  private answerFindable(options: OnceOptions, recorded: boolean, how: 'claimed' | 'takenOver'): boolean {
    const carried = options.carrying;
    if (carried && 'response' in carried) return how === 'claimed';
    if (carried) return how === 'claimed' && recorded && options.recall !== undefined;
    return recorded && options.recall !== undefined && !options.keep;
  }

  private async awaitFirst(id: string, work: () => Promise<string | Processed>, options: OnceOptions): Promise<string> {
    const { ledger, clock } = this.deps;
    const deadline = performance.now() + this.wait.boundMs;
    const local = this.running.get(id);
    if (local) {
      const kept = await resolvedWithin(local, this.wait.boundMs);
      if (typeof kept === 'string') return kept;
    }
    let pause = this.wait.firstPollMs;
    for (;;) {
      const entry = await ledger.get(id);
      // Looked for only while the ledger has no answer. Unlike a ledger answer, one saved with the record just
      // after this look does not stop a takeover below: only a first delivery slower than takeOverAfterMs, which
      // the takeover presumes dead anyway, can be rerun that way.
      const recalled = entry?.response == null && options.recall ? await options.recall(entry) : null;
      if (recalled !== null) return recalled;
      const now = clock.now();
      if (entry === null) {
        // Gone: it outlived the retention (or the memory bound) since it was claimed; it may be claimed afresh.
        if (await ledger.claim(id, now, options.carrying)) return this.process(id, work, options, 'claimed');
      } else if (entry.response !== null) {
        return entry.response;
      } else if (now - entry.at >= this.wait.takeOverAfterMs && (await ledger.takeOver(id, entry.at, now))) {
        return this.process(id, work, options, 'takenOver');
      }
      const left = deadline - performance.now();
      if (left <= 0) return options.stillWorking();
      await delay(Math.min(pause, left));
      pause = Math.min(pause * 2, this.wait.maxPollMs);
    }
  }
}

/** The promise's value, or undefined when it has not settled within `ms`; the timer never outlives the wait. */
async function resolvedWithin<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
