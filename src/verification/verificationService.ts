// Sign-in challenges against the store: start one (superseding any pending one, serialised per person by
// challenge turns), apply events with the same load → transition → compare-and-set save → effects loop as
// enrollment, and check authenticator codes with replay protection recorded on the user before approval.
import type { Reply } from '../domain/effects';
import type { SendPermit } from '../ports/deliveryPorts';
import type { AuthenticatorAppMethod, Channel, User } from '../domain/user';
import type { Stores } from '../ports/repositories';
import { DuplicateKeyError } from '../ports/storeErrors';
import type { RandomSource } from '../security/random';
import type { Clock } from '../ports/clock';
import { checkTotp } from '../security/totp';
import type { CodePolicy, SecretOps } from '../enrollment/enrollmentPolicy';
import type { EffectRunner } from '../serviceKit/effectRunner';
import { compareAndSet, ConcurrentUpdateError } from '../serviceKit/compareAndSet';
import { UnknownUserError } from '../enrollment/enrollmentService';
import { createChallenge, transitionChallenge, type ChallengeContext, type NewChallenge } from './challengeMachine';
import type { Challenge, ChallengeEvent } from '../domain/challenge';
import { answerOf, withAnsweredWebhook, type AnsweredWebhook, type WebhookAnswering } from '../domain/answeredWebhooks';

export class UnknownChallengeError extends Error {
  constructor() {
    super('No such challenge');
    this.name = 'UnknownChallengeError';
  }
}

export interface VerificationServiceDeps {
  readonly stores: Pick<Stores, 'users' | 'challenges'>;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly codes: CodePolicy;
  readonly secrets: SecretOps;
  readonly organisationName: string;
  readonly voiceMode: 'pressKey' | 'readCode';
  readonly effects: EffectRunner;
  /** Told once, by the instance that saved it, when a challenge leaves 'pending' (e.g. to watch for denials). */
  readonly onEnded?: (challenge: Challenge) => void;
  /**
   * Awaited before a transition that ends a challenge is saved, with the ending state: where the outcome callback
   * is stored durably, so a crash between the save and the reply cannot lose it. If it throws, nothing is saved.
   * It may run for a save that then loses its race, so what it stores must re-read the challenge when it runs.
   */
  readonly beforeEnd?: (ending: Challenge) => Promise<void>;
}

/** Rounds of "end the latest turn's challenge, create in the next turn" one start may take before giving up as busy. */
const MAX_TURN_ROUNDS = 400;
/** Pause before looking again at a latest challenge that could not be ended. */
const TURN_WAIT_MS = 5;

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

export interface ChallengeOutcome {
  readonly challenge: Challenge;
  readonly replies: readonly Reply[];
}

export class VerificationService {
  constructor(private readonly deps: VerificationServiceDeps) {}

  private context(): ChallengeContext {
    const d = this.deps;
    return { now: d.clock.now(), random: d.random, codes: d.codes, secrets: d.secrets, organisationName: d.organisationName, voiceMode: d.voiceMode };
  }

  /**
   * Starts a challenge; any challenge still pending for the person is superseded (one at a time). Starts are
   * serialised by the person's challenge turns: the challenge of turn n+1 is created only once the challenge of
   * turn n has ended, and creating it is the turn's claim (a unique insert of person and turn, atomic on MongoDB
   * and FerretDB alike), so two can never be pending together. Nothing is sent before it is created.
   * `known.history` spares reads: ALL the person's challenges, newest first, just read by the caller (a partial
   * list must not be passed). `known.sendPermit`: the sending rules of its text or call, checked by the caller
   * (SendReservations), handed to the send.
   */
  async start(input: NewChallenge, via: Channel, known: { readonly history?: readonly Challenge[]; readonly sendPermit?: SendPermit } = {}): Promise<Challenge> {
    const created = createChallenge(input, this.context());
    let challenge = await this.createInNextTurn(created.state, via, known.history);
    for (const effect of created.effects) {
      // An accepted send changes nothing: its callbacks find the challenge by the id in their URL.
      const receipt = await this.deps.effects.run(effect, input.locale, known.sendPermit);
      if (receipt && !receipt.ok) challenge = (await this.apply(challenge.id, { type: 'deliveryFailed', reason: receipt.failure }, 'system', challenge)).challenge;
    }
    return challenge;
  }

  /**
   * Ends the challenge of the person's latest turn and creates `fresh` in the next turn. Of two starters after the
   * same turn, one creates; the other's insert collides on the turn, and it reads the latest turn again, ends
   * that challenge and tries the turn after.
   */
  private async createInNextTurn(fresh: Challenge, via: Channel, history: readonly Challenge[] | undefined): Promise<Challenge> {
    const { challenges } = this.deps.stores;
    const now = this.deps.clock.now();
    // Challenges started before turns existed have no turn: supersede them as before. No new ones can appear
    // (every start takes a turn), so a history read before this start holds them all.
    const legacy = history ? history.filter((c) => c.status === 'pending' && c.expiresAt > now) : await challenges.findPendingByUser(fresh.userId, now);
    for (const old of legacy) {
      await this.apply(old.id, { type: 'supersede' }, via);
    }
    // The history names the latest turn when that turn's challenge is in it and has ended (or was superseded just
    // now): then the next turn is taken without reading the latest. If a later turn exists after all (a start
    // since the history was read), the insert collides and the loop reads it.
    let latestTurn = history ? endedLatestTurn(history, legacy) : null;
    for (let round = 0; round < MAX_TURN_ROUNDS; round++) {
      if (latestTurn === null) {
        const latest = await challenges.latestTurn(fresh.userId);
        if (latest && latest.status === 'pending' && (await this.apply(latest.id, { type: 'supersede' }, via, latest)).challenge.status === 'pending') {
          await pause(TURN_WAIT_MS);
          continue;
        }
        latestTurn = latest?.turn ?? 0;
      }
      try {
        return await challenges.create({ ...fresh, turn: latestTurn + 1 });
      } catch (error) {
        if (!(error instanceof DuplicateKeyError && error.key === 'turn')) throw error;
        latestTurn = null;
      }
    }
    throw new ConcurrentUpdateError();
  }

  async get(id: string): Promise<Challenge | null> {
    const challenge = await this.deps.stores.challenges.get(id);
    if (!challenge) return null;
    // Expiry is a fact of time, not of an event: report it even if nothing has touched the record since.
    if (challenge.status === 'pending' && this.deps.clock.now() >= challenge.expiresAt) return (await this.apply(id, { type: 'checkExpiry' }, 'system')).challenge;
    return challenge;
  }

  /**
   * Applies an event to a challenge, retrying a lost race on fresh data. `loaded`: the record the caller just read
   * or saved (saves a read; a stale one only loses the compare-and-set and is read afresh).
   */
  async apply(id: string, event: ChallengeEvent, via: Channel, loaded?: Challenge): Promise<ChallengeOutcome> {
    return this.applySaving(id, event, via, loaded);
  }

  /**
   * `apply` for a webhook: its answer (the replies) is saved on the challenge in the same compare-and-set save, so
   * that a retry finds it there (ChallengeRepository.findByAnsweredWebhook) and the ledger needs no second write.
   * A challenge's effects never add replies, so the answer is final at the save.
   */
  async applyAnswering(id: string, event: ChallengeEvent, via: Channel, webhook: WebhookAnswering<Challenge>, loaded?: Challenge): Promise<ChallengeOutcome & { readonly answer: AnsweredWebhook }> {
    const outcome = await this.applySaving(id, event, via, loaded, webhook);
    return { ...outcome, answer: outcome.answer! };
  }

  private async applySaving(id: string, event: ChallengeEvent, via: Channel, loaded?: Challenge, webhook?: WebhookAnswering<Challenge>): Promise<ChallengeOutcome & { readonly answer?: AnsweredWebhook }> {
    const { challenges } = this.deps.stores;
    let before: Challenge | undefined;
    let answered: AnsweredWebhook | undefined;
    const { saved, result } = await compareAndSet(
      { read: () => challenges.get(id), replace: (next) => challenges.replace(next) },
      async (challenge) => {
        before = challenge;
        const result = transitionChallenge(challenge, event, via, this.context());
        if (challenge.status === 'pending' && result.state.status !== 'pending') await this.deps.beforeEnd?.(result.state);
        if (!webhook) return { next: result.state, result };
        // Saved even when the event changes nothing else: the answer must be where the retry looks.
        const answer = answerOf(webhook, result.replies, result.state);
        answered = answer;
        return { next: { ...result.state, answeredWebhooks: withAnsweredWebhook(result.state.answeredWebhooks, answer) }, result };
      },
      { loaded: loaded?.id === id ? loaded : undefined, missing: () => new UnknownChallengeError() },
    );
    // `before` is the version the saved decision was made on (the last one decide saw).
    const previous = before!;
    for (const effect of result.effects) await this.deps.effects.run(effect, previous.locale);
    if (previous.status === 'pending' && saved.status !== 'pending') this.deps.onEnded?.(saved);
    return { challenge: saved, replies: result.replies, ...(answered ? { answer: answered } : {}) };
  }

  /**
   * Checks an authenticator-app code. The accepted time step is saved on the user first (compare-and-set), so the
   * same code can never approve two challenges; only then is the challenge approved.
   */
  async submitAppCode(id: string, code: string, via: Channel): Promise<ChallengeOutcome> {
    const challenge = await this.deps.stores.challenges.get(id);
    if (!challenge) throw new UnknownChallengeError();
    if (challenge.method !== 'app' || challenge.status !== 'pending' || this.deps.clock.now() >= challenge.expiresAt) {
      return this.apply(id, { type: 'appCodeChecked', valid: false }, via);
    }
    const valid = await this.consumeTotp(challenge.userId, challenge.target, code);
    return this.apply(id, { type: 'appCodeChecked', valid }, via);
  }

  private async consumeTotp(userId: string, methodId: string | null, code: string): Promise<boolean> {
    const { users } = this.deps.stores;
    const { result } = await compareAndSet(
      { read: () => users.get(userId), replace: (next) => users.replace(next) },
      (user) => {
        const method = user.methods.find((m): m is AuthenticatorAppMethod => m.kind === 'authenticatorApp' && (methodId === null || m.id === methodId));
        if (!method) return { next: user, result: false };
        const secret = this.deps.secrets.open(method.secret, `totp:${method.id}`);
        const check = checkTotp(secret, code, this.deps.clock.now(), method.lastUsedTimeStep);
        if (!check.valid) return { next: user, result: false };
        const updated: User = {
          ...user,
          methods: user.methods.map((m) => (m.id === method.id ? { ...method, lastUsedTimeStep: check.timeStep } : m)),
          updatedAt: this.deps.clock.now(),
        };
        return { next: updated, result: true };
      },
      { missing: () => new UnknownUserError() },
    );
    return result;
  }
}

/**
 * The highest turn among a person's challenges, when its challenge is no longer pending (or is among those just
 * superseded); 0 for a person without any challenge (creating turn 1 then collides if one was created since);
 * null when no challenge carries a turn, or that one may still be pending.
 */
function endedLatestTurn(history: readonly Challenge[], superseded: readonly Challenge[]): number | null {
  if (history.length === 0) return 0;
  let latest: Challenge | undefined;
  for (const c of history) if (c.turn !== undefined && (latest === undefined || c.turn > latest.turn!)) latest = c;
  if (latest?.turn === undefined) return null;
  return latest.status !== 'pending' || superseded.some((c) => c.id === latest.id) ? latest.turn : null;
}
