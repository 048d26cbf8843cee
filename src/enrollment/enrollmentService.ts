// The only place enrollment touches the world: load the user, run the machine, save with the version it loaded
// (retrying a lost race on fresh data), then carry out the effects and feed their outcome back as events.
import type { Effect, Reply } from '../domain/effects';
import type { Channel, NewUser, User } from '../domain/user';
import { answerOf, withAnsweredWebhook, type AnsweredWebhook, type WebhookAnswering } from '../domain/answeredWebhooks';
import { type Stores } from '../ports/repositories';
import { DuplicateKeyError } from '../ports/storeErrors';
import type { RandomSource } from '../security/random';
import type { Clock } from '../ports/clock';
import type { EnrollmentPolicy, SecretOps } from './enrollmentPolicy';
import { transitionEnrollment } from './enrollmentMachine';
import { changeSecurityInfo, type SecurityInfoRequest } from './securityInfo';
import type { EnrollmentEvent } from './enrollmentTypes';
import type { EffectRunner } from '../serviceKit/effectRunner';
import { compareAndSet } from '../serviceKit/compareAndSet';

export class UnknownUserError extends Error {
  constructor() {
    super('No such user');
    this.name = 'UnknownUserError';
  }
}

// Kept for importers outside the core that still name it here; it lives with the shared compare-and-set loop.

export interface EnrollmentServiceDeps {
  readonly stores: Pick<Stores, 'users'>;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly policy: EnrollmentPolicy;
  readonly secrets: SecretOps;
  readonly effects: EffectRunner;
}

export interface Origin {
  readonly channel: Channel;
  readonly actor?: string;
}

export type { WebhookAnswering } from '../domain/answeredWebhooks';

// A send's refusal is fed back as an event; bound how deep that can go.
const MAX_FEEDBACK_DEPTH = 3;

export class EnrollmentService {
  constructor(private readonly deps: EnrollmentServiceDeps) {}

  /** Returns the user, creating the record on first contact. */
  async ensureUser(profile: NewUser): Promise<User> {
    const { users } = this.deps.stores;
    const existing = await users.get(profile.id);
    if (existing) return existing;
    try {
      return await users.create(profile, this.deps.clock.now());
    } catch (err) {
      // Two first messages at once: the other one created it.
      if (err instanceof DuplicateKeyError && err.key === 'id') {
        const created = await users.get(profile.id);
        if (created) return created;
      }
      throw err;
    }
  }

  /**
   * Applies one event for the person and returns what to tell them on the channel it came from. `loaded`: the
   * record the caller just read (saves a read; a stale one only costs a lost compare-and-set and a fresh read).
   */
  async apply(userId: string, event: EnrollmentEvent, origin: Origin, loaded?: User): Promise<readonly Reply[]> {
    return (await this.applyAt(userId, event, origin, 0, loaded)).replies;
  }

  /**
   * `apply`, also returning the record as this call last saved (or read) it, so a caller that shows the next step
   * needs no fresh read. Another instance may change it afterwards; the next save's compare-and-set catches that.
   */
  async applyReturningUser(userId: string, event: EnrollmentEvent, origin: Origin, loaded?: User): Promise<{ readonly replies: readonly Reply[]; readonly user: User }> {
    return this.applyAt(userId, event, origin, 0, loaded);
  }

  /**
   * `apply` for a webhook: its answer is saved on the record in the same compare-and-set save, so that a retry of
   * the webhook finds it there (UserRepository.findByAnsweredWebhook) and the ledger needs no second write.
   * `recorded` is false when the answer is not saved (the event sends something, whose refusal would add replies
   * after the save): the caller then keeps the answer itself.
   */
  async applyAnswering(
    userId: string,
    event: EnrollmentEvent,
    origin: Origin,
    webhook: WebhookAnswering<User>,
    loaded?: User,
  ): Promise<{ readonly replies: readonly Reply[]; readonly recorded: boolean; readonly answer: AnsweredWebhook | null }> {
    const { replies, recordedAnswer } = await this.applyAt(userId, event, origin, 0, loaded, webhook);
    return { replies, recorded: recordedAnswer !== null, answer: recordedAnswer };
  }

  /** Removes a method or sets the default, with the same compare-and-set save and audit as enrollment. */
  async changeSecurityInfo(userId: string, request: SecurityInfoRequest, origin: Origin): Promise<readonly Reply[]> {
    const { result } = await this.saveTransition(userId, undefined, (user, now) =>
      changeSecurityInfo(user, request, { now, policy: this.deps.policy.registration, channel: origin.channel, ...actorOf(origin) }),
    );
    return result.replies;
  }

  private async applyAt(
    userId: string,
    event: EnrollmentEvent,
    origin: Origin,
    depth: number,
    loaded?: User,
    webhook?: WebhookAnswering<User>,
  ): Promise<{ replies: Reply[]; user: User; recordedAnswer: AnsweredWebhook | null }> {
    let answered: AnsweredWebhook | null = null;
    const { result, feedback, saved } = await this.saveTransition(userId, loaded, (user, now) => {
      const result = transitionEnrollment(user, event, {
        now,
        random: this.deps.random,
        policy: this.deps.policy,
        secrets: this.deps.secrets,
        channel: origin.channel,
        ...actorOf(origin),
      });
      // Only an answer no send can still add to (a refused send is fed back with replies of its own) is final at
      // the save; saved even when the event changes nothing else, as the answer must be where the retry looks.
      if (!webhook || result.effects.some(isSend)) return result;
      const answer = answerOf(webhook, result.replies, result.state);
      answered = answer;
      return { ...result, state: { ...result.state, answeredWebhooks: withAnsweredWebhook(result.state.answeredWebhooks, answer) } };
    });
    const replies = [...result.replies];
    let latest = saved;
    if (depth < MAX_FEEDBACK_DEPTH) {
      // Only the first feedback event may start from the record just saved; later ones read afresh.
      let current: User | undefined = saved;
      for (const next of feedback) {
        const fed = await this.applyAt(userId, next, origin, depth + 1, current);
        replies.push(...fed.replies);
        latest = fed.user;
        current = undefined;
      }
    }
    // No send, so nothing was fed back: the replies are the ones saved with the record.
    return { replies, user: latest, recordedAnswer: webhook !== undefined && !result.effects.some(isSend) ? answered : null };
  }

  /**
   * Load → transition → compare-and-set save, retried on a lost race with fresh data; effects run only after
   * the save, so a race lost never sends a text twice. Returns the result and the events the effects produced.
   */
  private async saveTransition<R extends { readonly state: User; readonly replies: readonly Reply[]; readonly effects: readonly Effect[] }>(
    userId: string,
    loaded: User | undefined,
    transition: (user: User, now: number) => R,
  ): Promise<{ result: R; feedback: EnrollmentEvent[]; saved: User }> {
    const { users } = this.deps.stores;
    const { saved, result } = await compareAndSet(
      { read: () => users.get(userId), replace: (next) => users.replace(next) },
      (user) => {
        const now = this.deps.clock.now();
        const result = transition(user, now);
        return { next: result.state === user ? user : { ...result.state, updatedAt: now }, result };
      },
      { loaded: loaded?.id === userId ? loaded : undefined, missing: () => new UnknownUserError() },
    );
    return { result, feedback: await this.run(result.effects, saved), saved };
  }

  /**
   * Runs the effects; a send refused comes back as a failure of that send. An accepted one changes nothing: its
   * callbacks find the step by the send number in their URL, so the provider's id needs no second save.
   */
  private async run(effects: readonly Effect[], user: User): Promise<EnrollmentEvent[]> {
    const events: EnrollmentEvent[] = [];
    for (const effect of effects) {
      const receipt = await this.deps.effects.run(effect, user.locale);
      if (receipt && !receipt.ok) events.push({ type: 'deliveryFailed', reason: receipt.failure, ...sendOf(effect) });
    }
    return events;
  }
}

function sendOf(effect: Effect): { send?: number } {
  const send = 'purpose' in effect ? effect.purpose.send : undefined;
  return send !== undefined ? { send } : {};
}

function actorOf(origin: Origin): { actor?: string } {
  return origin.actor !== undefined ? { actor: origin.actor } : {};
}

/** An effect whose refusal is fed back as an event (with replies of its own). */
function isSend(effect: Effect): boolean {
  return effect.type === 'sendSms' || effect.type === 'placeCall' || effect.type === 'sendEmail';
}
