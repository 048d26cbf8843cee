// The contract of src/stores/ports.ts as one suite, run against every adapter with no backend-specific branches:
// an adapter that passes it can stand in for any other. Each test gets fresh, empty stores.
import type { SecurityMethod, User } from '../../src/domain/user';
import type { Challenge } from '../../src/domain/challenge';
import type { AnsweredWebhook } from '../../src/domain/answeredWebhooks';
import { type Stores } from '../../src/ports/repositories';
import { DuplicateKeyError } from '../../src/ports/storeErrors';
import {
  MINUTE,
  T0,
  auditDraft,
  authenticatorApp,
  challenge,
  codeSentStep,
  emailMethod,
  enrollment,
  mobilePhone,
  newUser,
  officePhone,
  withChanges,
} from '../support/fixtures';

/** Enough rounds that a store without an atomic compare-and-set loses at least one of them. */
const RACE_ROUNDS = 10;

/** A value shaped like a MongoDB query operator, passed where a string belongs (as an untyped caller could). */
const OPERATOR = { $gt: '' } as unknown as string;
const OPERATOR_NUMBER = { $gt: 0 } as unknown as number;

function must<T>(value: T | null | undefined): T {
  if (value === null || value === undefined) throw new Error('expected a value, got none');
  return value;
}

const idsOf = (items: readonly { id: string }[]): string[] => items.map((i) => i.id);
const sortedIdsOf = (items: readonly { id: string }[]): string[] => idsOf(items).sort();

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

/**
 * An operator-shaped argument must never match anything: the store either refuses it with a TypeError or finds
 * nothing. (The MongoDB adapter refuses; its own suite checks that strictly.)
 */
async function expectNothingMatched(promise: Promise<unknown>): Promise<void> {
  const outcome = await promise.then(
    (value) => ({ value }),
    (error: unknown) => ({ error }),
  );
  if ('error' in outcome) {
    expect(outcome.error).toBeInstanceOf(TypeError);
  } else {
    expect(outcome.value === null || (Array.isArray(outcome.value) && outcome.value.length === 0)).toBe(true);
  }
}

export function describeStoreConformance<S extends Stores>(
  name: string,
  makeStores: () => Promise<S>,
  cleanup: (stores: S) => Promise<void>,
  options: {
    /**
     * Whether two replaces from one version, sent at once, are decided atomically by this backend. A Mongo
     * compare-and-set forced to one conditional write is not on FerretDB 1.x (MongoDB's guarantee, not FerretDB's):
     * there the same two replaces are checked one after the other instead.
     */
    readonly concurrentReplacesAtomic?: (stores: S) => Promise<boolean>;
  } = {},
): void {
  const atomic = options.concurrentReplacesAtomic ?? (async () => true);
  /** Runs both replaces at once where the backend promises atomicity, else one after the other. */
  const bothReplaces = async <T>(stores: S, first: () => Promise<T>, second: () => Promise<T>): Promise<T[]> =>
    (await atomic(stores)) ? Promise.all([first(), second()]) : [await first(), await second()];
  describe(`${name}: storage port conformance`, () => {
    let current: S | undefined;
    const stores = (): S => must(current);

    beforeEach(async () => {
      current = await makeStores();
    });

    afterEach(async () => {
      const done = current;
      current = undefined;
      if (done) await cleanup(done);
    });

    /** Creates a user and saves `changes` onto it (methods, enrollment, …), returning the stored state. */
    async function storedUser(changes: Partial<Omit<User, 'id' | 'version'>> = {}, input = newUser()): Promise<User> {
      const created = await stores().users.create(input, T0 - 30 * MINUTE);
      if (Object.keys(changes).length === 0) return created;
      return must(await stores().users.replace(withChanges(created, changes)));
    }

    test('when the store is reachable, then ping resolves', async () => {
      await expect(stores().ping()).resolves.toBeUndefined();
    });

    describe('users', () => {
      test('when a user is created, then it is stored at version 1 with no methods, no enrollment and createdAt = updatedAt = now', async () => {
        const input = newUser();
        const expected: User = {
          ...input,
          methods: [],
          defaultMethodId: null,
          enrollment: null,
          lockedUntil: null,
          createdAt: T0,
          updatedAt: T0,
          version: 1,
        };

        await expect(stores().users.create(input, T0)).resolves.toEqual(expected);
        await expect(stores().users.get(input.id)).resolves.toEqual(expected);
      });

      test('when no user has the id, then get answers null', async () => {
        await storedUser();
        await expect(stores().users.get('no-such-user')).resolves.toBeNull();
      });

      test('when a second user is created with a taken id, then DuplicateKeyError(id) and the first is unchanged', async () => {
        const first = await storedUser();
        const error = await rejectionOf(stores().users.create(newUser({ id: first.id }), T0));

        expect(error).toBeInstanceOf(DuplicateKeyError);
        expect((error as DuplicateKeyError).key).toBe('id');
        await expect(stores().users.get(first.id)).resolves.toEqual(first);
      });

      test('when a second user is created with a taken UPN in another case, then DuplicateKeyError(upn)', async () => {
        const first = await storedUser({}, newUser({ upn: 'Grace.Hopper@Contoso.com' }));
        const second = newUser({ upn: 'grace.hopper@CONTOSO.COM' });
        const error = await rejectionOf(stores().users.create(second, T0));

        expect(error).toBeInstanceOf(DuplicateKeyError);
        expect((error as DuplicateKeyError).key).toBe('upn');
        await expect(stores().users.get(second.id)).resolves.toBeNull();
        await expect(stores().users.findByUpn('GRACE.HOPPER@contoso.com')).resolves.toEqual(first);
      });

      test('when two users with the same UPN are created at once, then exactly one is stored', async () => {
        const results = await Promise.allSettled([
          stores().users.create(newUser({ upn: 'alan.turing@contoso.com' }), T0),
          stores().users.create(newUser({ upn: 'Alan.Turing@contoso.com' }), T0),
        ]);

        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const failure = must(results.find((r): r is PromiseRejectedResult => r.status === 'rejected'));
        expect(failure.reason).toBeInstanceOf(DuplicateKeyError);
        expect((failure.reason as DuplicateKeyError).key).toBe('upn');
      });

      test('when looked up by UPN, then the case does not matter and an unknown UPN answers null', async () => {
        const user = await storedUser({}, newUser({ upn: 'Katherine.Johnson@Contoso.com' }));

        await expect(stores().users.findByUpn('katherine.johnson@contoso.com')).resolves.toEqual(user);
        await expect(stores().users.findByUpn('KATHERINE.JOHNSON@CONTOSO.COM')).resolves.toEqual(user);
        await expect(stores().users.findByUpn('someone.else@contoso.com')).resolves.toBeNull();
      });

      test('when a UPN holds characters special to MongoDB or to regular expressions, then it is matched literally', async () => {
        const dollar = await storedUser({}, newUser({ upn: '$where' }));
        const pattern = await storedUser({}, newUser({ upn: 'a.b*c@contoso.com' }));
        await storedUser({}, newUser({ upn: 'abbbc@contoso.com' }));

        await expect(stores().users.findByUpn('$where')).resolves.toEqual(dollar);
        await expect(stores().users.findByUpn('A.B*C@contoso.com')).resolves.toEqual(pattern);
        await expect(stores().users.findByUpn('a.bc@contoso.com')).resolves.toBeNull();
        await expect(stores().users.findByUpn('.*')).resolves.toBeNull();
      });

      test('when replaced with the stored version, then the saved copy has version + 1 and is what get returns', async () => {
        const created = await storedUser();
        const methods: SecurityMethod[] = [mobilePhone('+14255550101'), authenticatorApp()];
        const next = withChanges(created, {
          displayName: 'Ada King',
          methods,
          defaultMethodId: must(methods[0]).id,
          enrollment: enrollment(codeSentStep({ phone: '+14255550102' })),
          lockedUntil: T0 + 15 * MINUTE,
          updatedAt: T0,
        });

        const saved = await stores().users.replace(next);

        expect(saved).toEqual({ ...next, version: created.version + 1 });
        await expect(stores().users.get(created.id)).resolves.toEqual(saved);
      });

      test('when replaced with a stale version, then it answers null and the newer state stays', async () => {
        const created = await storedUser();
        const newer = must(await stores().users.replace(withChanges(created, { displayName: 'First writer' })));

        await expect(stores().users.replace(withChanges(created, { displayName: 'Late writer' }))).resolves.toBeNull();
        await expect(stores().users.get(created.id)).resolves.toEqual(newer);
      });

      test('when the user does not exist, then replace answers null and creates nothing', async () => {
        const ghost: User = {
          ...newUser(),
          methods: [],
          defaultMethodId: null,
          enrollment: null,
          lockedUntil: null,
          createdAt: T0,
          updatedAt: T0,
          version: 1,
        };

        await expect(stores().users.replace(ghost)).resolves.toBeNull();
        await expect(stores().users.get(ghost.id)).resolves.toBeNull();
        await expect(stores().users.findByUpn(ghost.upn)).resolves.toBeNull();
      });

      test('when two replaces race from the same version, then exactly one wins and its copy is stored', async () => {
        const created = await storedUser();
        for (let round = 0; round < RACE_ROUNDS; round++) {
          const base = must(await stores().users.get(created.id));
          const results = await bothReplaces(
            stores(),
            () => stores().users.replace(withChanges(base, { displayName: `A${round}` })),
            () => stores().users.replace(withChanges(base, { displayName: `B${round}` })),
          );

          const winners = results.filter((r): r is User => r !== null);
          expect(winners).toHaveLength(1);
          await expect(stores().users.get(created.id)).resolves.toEqual(winners[0]);
        }
      });

      test('when a replace takes another user’s UPN, then DuplicateKeyError(upn) and nothing changes', async () => {
        await storedUser({}, newUser({ upn: 'taken@contoso.com' }));
        const user = await storedUser();
        const error = await rejectionOf(stores().users.replace(withChanges(user, { upn: 'TAKEN@contoso.com' })));

        expect(error).toBeInstanceOf(DuplicateKeyError);
        expect((error as DuplicateKeyError).key).toBe('upn');
        await expect(stores().users.get(user.id)).resolves.toEqual(user);
      });

      test('when a replace changes only the case of the UPN, then it is saved and found in any case', async () => {
        const user = await storedUser({}, newUser({ upn: 'mary.jackson@contoso.com' }));
        const saved = must(await stores().users.replace(withChanges(user, { upn: 'Mary.Jackson@Contoso.com' })));

        expect(saved.upn).toBe('Mary.Jackson@Contoso.com');
        await expect(stores().users.findByUpn('mary.jackson@contoso.com')).resolves.toEqual(saved);
      });

      test('when returned or given objects are mutated afterwards, then the stored user does not change', async () => {
        const input = newUser();
        const created = await stores().users.create(input, T0);
        (input as { displayName: string }).displayName = 'mutated input';
        changeReturned(created, () => ((created as { displayName: string }).displayName = 'mutated result'));
        const fetched = must(await stores().users.get(input.id));
        expect(fetched.displayName).toBe('Ada Lovelace');

        const next = withChanges(fetched, { methods: [mobilePhone('+14255550103')] });
        const saved = must(await stores().users.replace(next));
        (next.methods as SecurityMethod[]).push(emailMethod('next@example.com'));
        changeReturned(saved.methods, () => (saved.methods as SecurityMethod[]).push(emailMethod('saved@example.com')));
        changeReturned(fetched, () => ((fetched as { locale: string }).locale = 'xx'));

        const again = must(await stores().users.get(input.id));
        expect(again.methods).toHaveLength(1);
        expect(again.locale).toBe('en-GB');
        changeReturned(again.methods, () => ((again.methods as SecurityMethod[]).length = 0));
        await expect(stores().users.get(input.id)).resolves.toHaveProperty('methods.length', 1);
      });

      test('when looking up a pending phone, then only users with a code out to that exact phone number are found', async () => {
        const number = '+14255550110';
        const texted = await storedUser({ enrollment: enrollment(codeSentStep({ phone: number })) });
        const alsoTexted = await storedUser({ enrollment: enrollment(codeSentStep({ phone: number })) });
        await storedUser({ enrollment: enrollment(codeSentStep({ email: 'ada@example.com' })) });
        await storedUser({ enrollment: enrollment(codeSentStep({ phone: '+14255550199' })) });
        await storedUser({ enrollment: enrollment({ name: 'enteringPhone', kind: 'mobilePhone' }) });
        await storedUser({ enrollment: enrollment({ name: 'expired', previous: codeSentStep({ phone: number }) }) });
        await storedUser({ methods: [mobilePhone(number)] });

        const found = await stores().users.findByPendingPhone(number);

        expect(sortedIdsOf(found)).toEqual([texted.id, alsoTexted.id].sort());
        expect(found.find((u) => u.id === texted.id)).toEqual(texted);
        await expect(stores().users.findByPendingPhone('+14255550000')).resolves.toEqual([]);
      });

      test('when looking up a method phone, then users with any phone kind of that number are found, and only they', async () => {
        const number = '+14255550120';
        const mobile = await storedUser({ methods: [mobilePhone(number)] });
        const alternate = await storedUser({ methods: [authenticatorApp(), mobilePhone(number, 'alternatePhone')] });
        const office = await storedUser({ methods: [officePhone(number)] });
        await storedUser({ methods: [emailMethod(number)] });
        await storedUser({ methods: [mobilePhone('+14255550121')] });
        await storedUser({ enrollment: enrollment(codeSentStep({ phone: number })) });

        const found = await stores().users.findByMethodPhone(number);

        expect(sortedIdsOf(found)).toEqual([mobile.id, alternate.id, office.id].sort());
        expect(found.find((u) => u.id === alternate.id)).toEqual(alternate);
        await expect(stores().users.findByMethodPhone('+14255550000')).resolves.toEqual([]);
      });
    });

    describe('answered webhooks', () => {
      test('when a webhook answer is saved on a user, then its id finds that user with the answer exactly as given, and a dropped one no longer does', async () => {
        const answer = (webhookId: string): AnsweredWebhook => ({ webhookId, locale: 'es-US', replies: [{ key: 'enrollment.phone.verified', params: { method: 'mobilePhone', attempts: 2 } }, { key: 'common.done' }] });
        const first = await storedUser({ answeredWebhooks: [answer('sms:SMa1'), answer('sms:SMa2')] });
        await storedUser({ answeredWebhooks: [answer('sms:SMb1')] });

        const found = await stores().users.findByAnsweredWebhook('sms:SMa2');
        expect(found).toEqual(first);
        expect(found?.answeredWebhooks?.[1]).toEqual(answer('sms:SMa2'));
        await expect(stores().users.findByAnsweredWebhook('sms:SMnone')).resolves.toBeNull();

        const moved = must(await stores().users.replace({ ...first, answeredWebhooks: [answer('sms:SMa2'), answer('sms:SMa3')] }));
        await expect(stores().users.findByAnsweredWebhook('sms:SMa1')).resolves.toBeNull();
        await expect(stores().users.findByAnsweredWebhook('sms:SMa3')).resolves.toEqual(moved);
        await expect(stores().users.findByAnsweredWebhook('sms:SMb1')).resolves.toHaveProperty('answeredWebhooks.0.webhookId', 'sms:SMb1');
      });

      test('when a webhook answer is saved on a challenge, then its id finds that challenge, and a dropped one no longer does', async () => {
        const answer = (webhookId: string): AnsweredWebhook => ({ webhookId, locale: 'en-GB', replies: [{ key: 'verification.code.wrong', params: { attemptsLeft: 2 } }] });
        const created = await stores().challenges.create(challenge({ userId: 'answered-1' }));
        await expect(stores().challenges.findByAnsweredWebhook('sms:SMc1')).resolves.toBeNull();
        const saved = must(await stores().challenges.replace({ ...created, answeredWebhooks: [answer('sms:SMc1')] }));
        await expect(stores().challenges.findByAnsweredWebhook('sms:SMc1')).resolves.toEqual(saved);
        const moved = must(await stores().challenges.replace({ ...saved, answeredWebhooks: [answer('sms:SMc2')] }));
        await expect(stores().challenges.findByAnsweredWebhook('sms:SMc1')).resolves.toBeNull();
        await expect(stores().challenges.findByAnsweredWebhook('sms:SMc2')).resolves.toEqual(moved);
      });
    });

    describe('challenges', () => {
      test('when challenges have turns, then a second of the same person and turn is refused as a turn duplicate, other people and challenges without a turn are not, and latestTurn finds the highest', async () => {
        await expect(stores().challenges.latestTurn('turns-1')).resolves.toBeNull();
        await stores().challenges.create(challenge({ userId: 'turns-1' }));
        await stores().challenges.create(challenge({ userId: 'turns-1' }));
        await expect(stores().challenges.latestTurn('turns-1')).resolves.toBeNull();
        await stores().challenges.create(challenge({ userId: 'turns-1', turn: 1 }));
        const second = await stores().challenges.create(challenge({ userId: 'turns-1', turn: 2, createdAt: T0 - MINUTE }));
        await stores().challenges.create(challenge({ userId: 'turns-2', turn: 2 }));

        await expect(stores().challenges.create(challenge({ userId: 'turns-1', turn: 2 }))).rejects.toEqual(new DuplicateKeyError('turn'));
        await expect(stores().challenges.create({ ...second, turn: 3 })).rejects.toEqual(new DuplicateKeyError('id'));
        await expect(stores().challenges.latestTurn('turns-1')).resolves.toEqual(second);
        await expect(stores().challenges.latestTurn('turns-3')).resolves.toBeNull();
      });

      test(`when ${RACE_ROUNDS} starters create a challenge in the same turn at once, then exactly one is created`, async () => {
        const results = await Promise.allSettled(Array.from({ length: RACE_ROUNDS }, () => stores().challenges.create(challenge({ userId: 'turns-race', turn: 1 }))));
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        expect(results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason)).toEqual(Array(RACE_ROUNDS - 1).fill(new DuplicateKeyError('turn')));
      });

      test('when a challenge is created, then get returns it exactly as given (numbers stay numbers, nulls stay null)', async () => {
        const given = challenge({
          userId: 'user-1',
          method: 'teams',
          target: null,
          codeHash: null,
          sealedCode: null,
          numberToMatch: 42,
          numberChoices: [17, 42, 93],
          createdAt: T0 + 123,
          expiresAt: T0 + 5 * MINUTE + 456,
        });

        await expect(stores().challenges.create(given)).resolves.toEqual(given);
        const fetched = must(await stores().challenges.get(given.id));
        expect(fetched).toEqual(given);
        expect(typeof fetched.createdAt).toBe('number');
        expect(typeof fetched.numberToMatch).toBe('number');
      });

      test('when no challenge has the id, then get answers null', async () => {
        await stores().challenges.create(challenge({ userId: 'user-1' }));
        await expect(stores().challenges.get('no-such-challenge')).resolves.toBeNull();
      });

      test('when a challenge id is taken, then create throws DuplicateKeyError(id) and the first stays', async () => {
        const first = await stores().challenges.create(challenge({ userId: 'user-1' }));
        const error = await rejectionOf(stores().challenges.create(challenge({ userId: 'user-2', id: first.id })));

        expect(error).toBeInstanceOf(DuplicateKeyError);
        expect((error as DuplicateKeyError).key).toBe('id');
        await expect(stores().challenges.get(first.id)).resolves.toEqual(first);
      });

      test('when replaced with the stored version, then version + 1 is saved; a stale or unknown one answers null', async () => {
        const created = await stores().challenges.create(challenge({ userId: 'user-1' }));
        const approved: Challenge = { ...created, status: 'approved', reason: 'codeAccepted', endedAt: T0 + MINUTE, endedVia: 'sms', attempts: 1 };

        const saved = await stores().challenges.replace(approved);
        expect(saved).toEqual({ ...approved, version: 2 });
        await expect(stores().challenges.get(created.id)).resolves.toEqual(saved);

        await expect(stores().challenges.replace({ ...created, status: 'denied' })).resolves.toBeNull();
        await expect(stores().challenges.get(created.id)).resolves.toEqual(saved);
        await expect(stores().challenges.replace(challenge({ userId: 'user-1' }))).resolves.toBeNull();
      });

      test('when two replaces race from the same version, then exactly one wins and its copy is stored', async () => {
        const created = await stores().challenges.create(challenge({ userId: 'user-1' }));
        for (let round = 0; round < RACE_ROUNDS; round++) {
          const base = must(await stores().challenges.get(created.id));
          const results = await bothReplaces(
            stores(),
            () => stores().challenges.replace({ ...base, attempts: base.attempts + 1 }),
            () => stores().challenges.replace({ ...base, attempts: base.attempts + 2 }),
          );

          const winners = results.filter((r): r is Challenge => r !== null);
          expect(winners).toHaveLength(1);
          await expect(stores().challenges.get(created.id)).resolves.toEqual(winners[0]);
        }
      });

      test('when returned or given challenges are mutated afterwards, then the stored one does not change', async () => {
        const given = challenge({ userId: 'user-1', numberChoices: [1, 2, 3] });
        const created = await stores().challenges.create(given);
        (given.numberChoices as number[]).push(4);
        (created as { attempts: number }).attempts = 99;
        const fetched = must(await stores().challenges.get(given.id));
        (fetched.context as { ip: string | null }).ip = null;
        const saved = must(await stores().challenges.replace(must(await stores().challenges.get(given.id))));
        (saved as { status: string }).status = 'approved';

        const again = must(await stores().challenges.get(given.id));
        expect(again.numberChoices).toEqual([1, 2, 3]);
        expect(again.attempts).toBe(0);
        expect(again.context.ip).toBe('203.0.113.7');
        expect(again.status).toBe('pending');
      });

      test('when listing a user’s pending challenges, then only pending ones expiring after now are found, newest first', async () => {
        const userId = 'user-pending';
        const c = (id: string, overrides: Partial<Challenge>): Challenge => challenge({ userId, id, ...overrides });
        const older = c('ch-older', { createdAt: T0 - 3 * MINUTE, expiresAt: T0 + 2 * MINUTE });
        const tieA = c('ch-tie-a', { createdAt: T0 - MINUTE, expiresAt: T0 + 4 * MINUTE });
        const tieB = c('ch-tie-b', { createdAt: T0 - MINUTE, expiresAt: T0 + 4 * MINUTE });
        const all = [
          older,
          tieA,
          tieB,
          c('ch-expires-now', { createdAt: T0 - 2 * MINUTE, expiresAt: T0 }),
          c('ch-expired', { createdAt: T0 - 9 * MINUTE, expiresAt: T0 - 1 }),
          c('ch-approved', { createdAt: T0 - MINUTE, status: 'approved', reason: 'codeAccepted' }),
          c('ch-cancelled', { createdAt: T0, status: 'cancelled', reason: 'cancelledByClient' }),
          challenge({ userId: 'someone-else', id: 'ch-other-user', createdAt: T0 }),
        ];
        for (const item of all) await stores().challenges.create(item);

        const found = await stores().challenges.findPendingByUser(userId, T0);

        // Equal times fall back to the id, descending.
        expect(idsOf(found)).toEqual(['ch-tie-b', 'ch-tie-a', 'ch-older']);
        expect(found[2]).toEqual(older);
        await expect(stores().challenges.findPendingByUser(userId, T0 + 4 * MINUTE)).resolves.toEqual([]);
        await expect(stores().challenges.findPendingByUser('nobody', T0)).resolves.toEqual([]);
      });

      test('when listing pending challenges by target, then only pending, unexpired ones to that number are found, newest first', async () => {
        const target = '+14255550130';
        const t = (id: string, overrides: Partial<Challenge>): Challenge => challenge({ userId: `user-${id}`, id, target, ...overrides });
        const all = [
          t('tg-1', { createdAt: T0 - 4 * MINUTE, expiresAt: T0 + MINUTE }),
          t('tg-2', { createdAt: T0 - 2 * MINUTE, expiresAt: T0 + 3 * MINUTE }),
          t('tg-expired', { createdAt: T0 - 9 * MINUTE, expiresAt: T0 - MINUTE }),
          t('tg-failed', { createdAt: T0 - MINUTE, status: 'failed', reason: 'tooManyAttempts' }),
          t('tg-other-number', { createdAt: T0 - MINUTE, target: '+14255550131' }),
          t('tg-no-target', { createdAt: T0 - MINUTE, target: null, method: 'app' }),
        ];
        for (const item of all) await stores().challenges.create(item);

        await expect(stores().challenges.findPendingByTarget(target, T0)).resolves.toEqual([all[1], all[0]]);
        await expect(stores().challenges.findPendingByTarget(target, T0 + MINUTE)).resolves.toEqual([all[1]]);
      });

      test('when listing a user’s recent challenges, then all statuses come newest first, at most `limit`', async () => {
        const userId = 'user-recent';
        const made = [0, 1, 2, 3].map((i) =>
          challenge({ userId, id: `rc-${i}`, createdAt: T0 + i * MINUTE, status: i % 2 ? 'expired' : 'pending', reason: i % 2 ? 'expired' : null }),
        );
        for (const item of made) await stores().challenges.create(item);
        await stores().challenges.create(challenge({ userId: 'someone-else', createdAt: T0 + 9 * MINUTE }));

        await expect(stores().challenges.listRecentByUser(userId, 10)).resolves.toEqual([...made].reverse());
        await expect(stores().challenges.listRecentByUser(userId, 2).then(idsOf)).resolves.toEqual(['rc-3', 'rc-2']);
        await expect(stores().challenges.listRecentByUser(userId, 0)).resolves.toEqual([]);
      });

      test('when the sweeper asks for expired pending challenges, then only pending ones at or past expiry come, earliest first, at most `limit`', async () => {
        const made = [
          challenge({ userId: 'u1', id: 'ex-late', expiresAt: T0 - MINUTE }),
          challenge({ userId: 'u2', id: 'ex-early', expiresAt: T0 - 2 * MINUTE }),
          challenge({ userId: 'u3', id: 'ex-now', expiresAt: T0 }),
          challenge({ userId: 'u4', id: 'ex-future', expiresAt: T0 + 1 }),
          challenge({ userId: 'u5', id: 'ex-ended', expiresAt: T0 - 3 * MINUTE, status: 'approved', reason: 'codeAccepted' }),
        ];
        for (const item of made) await stores().challenges.create(item);

        await expect(stores().challenges.findExpiredPending(T0, 10).then(idsOf)).resolves.toEqual(['ex-early', 'ex-late', 'ex-now']);
        await expect(stores().challenges.findExpiredPending(T0, 2).then(idsOf)).resolves.toEqual(['ex-early', 'ex-late']);
        await expect(stores().challenges.findExpiredPending(T0, 0)).resolves.toEqual([]);
      });
    });

    describe('conversation references', () => {
      const record = (userId: string, reference: string, updatedAt = T0) => ({ userId, channel: 'teams' as const, reference, updatedAt });

      test('when nothing was saved, then get answers null', async () => {
        await expect(stores().conversations.get('nobody', 'teams')).resolves.toBeNull();
      });

      test('when a reference is saved twice, then the newest is kept, per user', async () => {
        await stores().conversations.save(record('u1', '{"conversation":{"id":"a"}}'));
        await stores().conversations.save(record('u2', '{"conversation":{"id":"b"}}'));
        await stores().conversations.save(record('u1', '{"conversation":{"id":"c"}}', T0 + MINUTE));
        await expect(stores().conversations.get('u1', 'teams')).resolves.toEqual(record('u1', '{"conversation":{"id":"c"}}', T0 + MINUTE));
        await expect(stores().conversations.get('u2', 'teams')).resolves.toEqual(record('u2', '{"conversation":{"id":"b"}}'));
      });

      test('when two first saves race, then neither fails and one of them is kept', async () => {
        const results = await Promise.allSettled([stores().conversations.save(record('u3', 'one')), stores().conversations.save(record('u3', 'two'))]);
        expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled']);
        expect(['one', 'two']).toContain((await stores().conversations.get('u3', 'teams'))?.reference);
      });

      test('when a user id is operator-shaped, then it is refused', async () => {
        await expect(stores().conversations.save({ ...record('u4', 'x'), userId: { $gt: '' } as unknown as string })).rejects.toBeInstanceOf(TypeError);
      });
    });

    describe('audit', () => {
      test('when an entry is appended, then it gets an id and at = now, and the list returns it unchanged', async () => {
        const draft = auditDraft('user-a', 'method.added', { kind: 'mobilePhone', attempts: 2, primary: true, note: null });
        const entry = await stores().audit.append(draft, T0);

        expect(entry).toEqual({ ...draft, id: expect.any(String), at: T0 });
        await expect(stores().audit.listForUser('user-a', 10)).resolves.toEqual([entry]);
      });

      test('when entries are listed, then they come newest first (ties newest appended first), at most `limit`, for that user only', async () => {
        const a1 = await stores().audit.append(auditDraft('user-a', 'enrollment.started'), T0);
        const a2 = await stores().audit.append(auditDraft('user-a', 'code.sent'), T0 + MINUTE);
        await stores().audit.append(auditDraft('user-b', 'enrollment.started'), T0 + 2 * MINUTE);
        const a3 = await stores().audit.append(auditDraft('user-a', 'code.accepted'), T0 + MINUTE);
        const a4 = await stores().audit.append(auditDraft('user-a', 'method.added'), T0 + MINUTE);
        const a0 = await stores().audit.append(auditDraft('user-a', 'clock.skewed'), T0 - MINUTE);

        await expect(stores().audit.listForUser('user-a', 10)).resolves.toEqual([a4, a3, a2, a1, a0]);
        await expect(stores().audit.listForUser('user-a', 2)).resolves.toEqual([a4, a3]);
        await expect(stores().audit.listForUser('user-a', 0)).resolves.toEqual([]);
        await expect(stores().audit.listForUser('user-c', 10)).resolves.toEqual([]);
        expect(new Set([a0, a1, a2, a3, a4].map((e) => e.id)).size).toBe(5);
      });

      test('when a returned entry or the given draft is mutated, then the log does not change', async () => {
        const draft = auditDraft('user-a', 'method.removed', { kind: 'email' });
        const entry = await stores().audit.append(draft, T0);
        (draft.details as Record<string, string>)['kind'] = 'mutated draft';
        (entry as { action: string }).action = 'mutated entry';
        const listed = await stores().audit.listForUser('user-a', 1);
        (must(listed[0]) as { at: number }).at = 0;

        const again = must((await stores().audit.listForUser('user-a', 1))[0]);
        expect(again.action).toBe('method.removed');
        expect(again.details).toEqual({ kind: 'email' });
        expect(again.at).toBe(T0);
      });
    });

    describe('opt-outs', () => {
      test('when a number never sent a keyword, then get answers null', async () => {
        await expect(stores().optOuts.get('+15555550101')).resolves.toBeNull();
      });

      test('when STOP then START are recorded, then the newest state is kept, per number', async () => {
        await stores().optOuts.record({ number: '+15555550101', optedOut: true, keyword: 'STOP', at: T0 });
        await stores().optOuts.record({ number: '+15555550102', optedOut: true, keyword: 'QUIT', at: T0 });
        await stores().optOuts.record({ number: '+15555550101', optedOut: false, keyword: 'START', at: T0 + MINUTE });
        await expect(stores().optOuts.get('+15555550101')).resolves.toEqual({ number: '+15555550101', optedOut: false, keyword: 'START', at: T0 + MINUTE });
        await expect(stores().optOuts.get('+15555550102')).resolves.toEqual({ number: '+15555550102', optedOut: true, keyword: 'QUIT', at: T0 });
      });

      test('when a number is operator-shaped, then nothing matches', async () => {
        await stores().optOuts.record({ number: '+15555550101', optedOut: true, keyword: 'STOP', at: T0 });
        await expectNothingMatched(stores().optOuts.get(OPERATOR));
      });
    });

    describe('processed webhooks', () => {
      test('when an id is claimed twice, then only the first claim wins and the answer recorded is kept', async () => {
        await expect(stores().webhooks.claim('SM1', T0)).resolves.toBe(true);
        await expect(stores().webhooks.get('SM1')).resolves.toEqual({ id: 'SM1', response: null, at: T0 });
        await expect(stores().webhooks.claim('SM1', T0 + 1)).resolves.toBe(false);
        await stores().webhooks.complete('SM1', '<Response/>');
        await expect(stores().webhooks.get('SM1')).resolves.toEqual({ id: 'SM1', response: '<Response/>', at: T0 });
        await expect(stores().webhooks.get('SM2')).resolves.toBeNull();
      });

      test('when a claim carries a final answer, then the entry reads as answered by that one write, and a later claim keeps it', async () => {
        await expect(stores().webhooks.claim('SM-final', T0, { response: '<Response><Message>hi</Message></Response>' })).resolves.toBe(true);
        await expect(stores().webhooks.claim('SM-final', T0 + 1, { response: '<Response/>' })).resolves.toBe(false);
        await expect(stores().webhooks.get('SM-final')).resolves.toEqual({ id: 'SM-final', response: '<Response><Message>hi</Message></Response>', at: T0 });
        // Answered: nothing to take over.
        await expect(stores().webhooks.takeOver('SM-final', T0, T0 + MINUTE)).resolves.toBe(false);
      });

      test('when a claim carries a prepared answer, then it reads as still open with that answer, and can be taken over (keeping it) or completed', async () => {
        await expect(stores().webhooks.claim('SM-prepared', T0, { prepared: '<Response/>' })).resolves.toBe(true);
        await expect(stores().webhooks.get('SM-prepared')).resolves.toEqual({ id: 'SM-prepared', response: null, at: T0, prepared: '<Response/>' });
        await expect(stores().webhooks.takeOver('SM-prepared', T0, T0 + MINUTE)).resolves.toBe(true);
        await expect(stores().webhooks.get('SM-prepared')).resolves.toEqual({ id: 'SM-prepared', response: null, at: T0 + MINUTE, prepared: '<Response/>' });
        await stores().webhooks.complete('SM-prepared', '<Response><Say>sorry</Say></Response>');
        await expect(stores().webhooks.get('SM-prepared')).resolves.toMatchObject({ response: '<Response><Say>sorry</Say></Response>' });
      });

      test(`when ${RACE_ROUNDS} claims of the same id race, then exactly one wins`, async () => {
        const results = await Promise.all(Array.from({ length: RACE_ROUNDS }, () => stores().webhooks.claim('CA-race:answer', T0)));
        expect(results.filter(Boolean)).toHaveLength(1);
      });

      test('when an unknown id is completed, then nothing is created', async () => {
        await stores().webhooks.complete('never-claimed', '<Response/>');
        await expect(stores().webhooks.get('never-claimed')).resolves.toBeNull();
      });

      test(`when ${RACE_ROUNDS} retries race to take over a claim never completed, then exactly one wins and the entry reads as claimed by it`, async () => {
        await stores().webhooks.claim('SM-crashed', T0);
        const results = await Promise.all(Array.from({ length: RACE_ROUNDS }, () => stores().webhooks.takeOver('SM-crashed', T0, T0 + MINUTE)));
        expect(results.filter(Boolean)).toHaveLength(1);
        await expect(stores().webhooks.get('SM-crashed')).resolves.toEqual({ id: 'SM-crashed', response: null, at: T0 + MINUTE });
        // The new claim can be taken over in its turn, but only by naming its own claim time.
        await expect(stores().webhooks.takeOver('SM-crashed', T0, T0 + 2 * MINUTE)).resolves.toBe(false);
        await expect(stores().webhooks.takeOver('SM-crashed', T0 + MINUTE, T0 + 2 * MINUTE)).resolves.toBe(true);
      });

      test('when a claim was completed or never made, then it cannot be taken over', async () => {
        await stores().webhooks.claim('SM-done', T0);
        await stores().webhooks.complete('SM-done', '<Response/>');
        await expect(stores().webhooks.takeOver('SM-done', T0, T0 + MINUTE)).resolves.toBe(false);
        await expect(stores().webhooks.takeOver('SM-unknown', T0, T0 + MINUTE)).resolves.toBe(false);
        await expect(stores().webhooks.get('SM-done')).resolves.toEqual({ id: 'SM-done', response: '<Response/>', at: T0 });
      });

      test('when entries are pruned, then only those claimed before the cut-off go, at most `limit` at a time', async () => {
        for (const [id, at] of [['SM-old1', T0 - 3 * MINUTE], ['SM-old2', T0 - 2 * MINUTE], ['SM-old3', T0 - MINUTE], ['SM-new', T0]] as const) {
          await stores().webhooks.claim(id, at);
        }
        await stores().webhooks.complete('SM-old1', '<Response/>');
        await expect(stores().webhooks.prune(T0, 2)).resolves.toBe(2);
        await expect(stores().webhooks.prune(T0, 10)).resolves.toBe(1);
        for (const id of ['SM-old1', 'SM-old2', 'SM-old3']) await expect(stores().webhooks.get(id)).resolves.toBeNull();
        await expect(stores().webhooks.get('SM-new')).resolves.toEqual({ id: 'SM-new', response: null, at: T0 });
        await expect(stores().webhooks.prune(T0, 10)).resolves.toBe(0);
      });
    });

    describe('send log', () => {
      test('when sends are counted, then only those at or after `since` for that number or user count', async () => {
        await stores().sendLog.append({ number: '+15555550101', userId: 'u1', channel: 'sms', at: T0 - 61 * MINUTE });
        await stores().sendLog.append({ number: '+15555550101', userId: 'u1', channel: 'sms', at: T0 - 60 * MINUTE });
        await stores().sendLog.append({ number: '+15555550101', userId: 'u2', channel: 'voice', at: T0 });
        await stores().sendLog.append({ number: '+15555550102', userId: 'u1', channel: 'sms', at: T0 });
        const since = T0 - 60 * MINUTE;
        await expect(stores().sendLog.countForNumber('+15555550101', since)).resolves.toBe(2);
        await expect(stores().sendLog.countForNumber('+15555550102', since)).resolves.toBe(1);
        await expect(stores().sendLog.countForUser('u1', since)).resolves.toBe(2);
        await expect(stores().sendLog.countForUser('u2', since)).resolves.toBe(1);
        await expect(stores().sendLog.countForUser('u3', since)).resolves.toBe(0);
      });
    });

    describe('simulated outbox', () => {
      const item = (ref: string, at: number) => ({
        ref,
        type: 'sms' as const,
        to: '+15555550101',
        body: 'hello',
        mode: null,
        extension: null,
        locale: 'en-US',
        purpose: { kind: 'enrollment' as const, userId: 'u1', refId: 'e1' },
        at,
      });

      test('when items are added, then get finds them and list answers newest first (ties: later added first), at most `limit`', async () => {
        await stores().simulatedOutbox.add(item('SM1', T0));
        await stores().simulatedOutbox.add(item('SM2', T0 + MINUTE));
        await stores().simulatedOutbox.add(item('SM3', T0 + MINUTE));
        await expect(stores().simulatedOutbox.get('SM1')).resolves.toEqual(item('SM1', T0));
        await expect(stores().simulatedOutbox.get('SM9')).resolves.toBeNull();
        expect((await stores().simulatedOutbox.list(10)).map((i) => i.ref)).toEqual(['SM3', 'SM2', 'SM1']);
        expect((await stores().simulatedOutbox.list(1)).map((i) => i.ref)).toEqual(['SM3']);
        await expect(stores().simulatedOutbox.list(0)).resolves.toEqual([]);
      });

      test('when a ref is added twice, then DuplicateKeyError', async () => {
        await stores().simulatedOutbox.add(item('SM1', T0));
        await expect(stores().simulatedOutbox.add(item('SM1', T0))).rejects.toBeInstanceOf(DuplicateKeyError);
      });
    });

    describe('delivery statuses', () => {
      test('when statuses are appended, then listForRef answers that ref only, oldest first in append order', async () => {
        await stores().deliveryStatuses.append({ ref: 'SM1', kind: 'message', status: 'sent', errorCode: null, at: T0 });
        await stores().deliveryStatuses.append({ ref: 'SM2', kind: 'message', status: 'sent', errorCode: null, at: T0 });
        await stores().deliveryStatuses.append({ ref: 'SM1', kind: 'message', status: 'undelivered', errorCode: 30003, at: T0 + MINUTE });
        await stores().deliveryStatuses.append({ ref: 'SM1', kind: 'message', status: 'failed', errorCode: 30003, at: T0 + MINUTE });
        expect((await stores().deliveryStatuses.listForRef('SM1')).map((r) => [r.status, r.errorCode])).toEqual([
          ['sent', null],
          ['undelivered', 30003],
          ['failed', 30003],
        ]);
        await expect(stores().deliveryStatuses.listForRef('SM3')).resolves.toEqual([]);
      });
    });

    describe('rate limits', () => {
      const HOUR = 60 * MINUTE;
      /** T0 is on the hour, so [T0, T0 + HOUR) is one window. */
      const take = (key: string, limit: number, now: number, scope = 'send:user') => stores().rateLimits.take(scope, key, limit, HOUR, now);

      test('when takes exceed the limit within one window, then the excess is refused with the time until the window ends, and the next window allows again', async () => {
        await expect(take('u1', 2, T0)).resolves.toEqual({ allowed: true, retryAfterMs: 0 });
        await expect(take('u1', 2, T0 + 10 * MINUTE)).resolves.toEqual({ allowed: true, retryAfterMs: 0 });
        await expect(take('u1', 2, T0 + 20 * MINUTE)).resolves.toEqual({ allowed: false, retryAfterMs: 40 * MINUTE });
        await expect(take('u1', 2, T0 + HOUR)).resolves.toEqual({ allowed: true, retryAfterMs: 0 });
      });

      test('when keys, scopes or window lengths differ, then each is limited on its own', async () => {
        await expect(take('u1', 1, T0)).resolves.toMatchObject({ allowed: true });
        await expect(take('u2', 1, T0)).resolves.toMatchObject({ allowed: true });
        await expect(take('u1', 1, T0, 'send:number')).resolves.toMatchObject({ allowed: true });
        await expect(stores().rateLimits.take('send:user', 'u1', 1, 15 * MINUTE, T0)).resolves.toMatchObject({ allowed: true });
        await expect(take('u1', 1, T0)).resolves.toMatchObject({ allowed: false });
      });

      test('when the limit is 0, then every take is refused', async () => {
        await expect(take('u1', 0, T0 + 1)).resolves.toEqual({ allowed: false, retryAfterMs: HOUR - 1 });
      });

      test('when 30 takes of a limit of 7 race, then exactly 7 are allowed', async () => {
        // At once where the backend decides writes atomically (MongoDB's counter, everyone's slots); one after the
        // other for a counter on FerretDB 1.x, whose upserting updates are not atomic (the slots are used there).
        const takes = Array.from({ length: 30 }, () => () => take('racer', 7, T0));
        const results = (await atomic(stores())) ? await Promise.all(takes.map((t) => t())) : await sequentially(takes);
        expect(results.filter((r) => r.allowed)).toHaveLength(7);
      });

      describe('several at once (takeAll)', () => {
        const limit = (key: string, max: number, scope = 'send:user') => ({ scope, key, limit: max, windowMs: HOUR });
        /** How many more takes of one limit its window allows now (taking them all). */
        const left = async (l: ReturnType<typeof limit>, now = T0): Promise<number> => {
          let n = 0;
          while ((await stores().rateLimits.take(l.scope, l.key, l.limit, l.windowMs, now)).allowed) n++;
          return n;
        };

        test('when every limit has room, then one unit of each is taken', async () => {
          const [a, b] = [limit('u1', 3), limit('+14255550123', 2, 'send:number')];
          await expect(stores().rateLimits.takeAll([a, b], T0)).resolves.toEqual({ allowed: true });
          expect([await left(a), await left(b)]).toEqual([2, 1]);
        });

        test('when one limit is full, then it is named with the time until its window ends, and the others keep every unit', async () => {
          const [a, b, c] = [limit('u1', 3), limit('+14255550123', 1, 'send:number'), limit('u1', 5, 'challenge:user')];
          await stores().rateLimits.take(b.scope, b.key, b.limit, b.windowMs, T0);
          await expect(stores().rateLimits.takeAll([a, b, c], T0 + 15 * MINUTE)).resolves.toEqual({ allowed: false, refusedBy: [1], retryAfterMs: 45 * MINUTE });
          expect([await left(a), await left(c)]).toEqual([3, 5]);
        });

        test('when one limit is full, then a kept one is still taken and the others are given back', async () => {
          const [a, b, c] = [limit('u1', 3, 'challenge:user'), limit('u1', 4), limit('+14255550123', 1, 'send:number')];
          await stores().rateLimits.take(c.scope, c.key, c.limit, c.windowMs, T0);
          await expect(stores().rateLimits.takeAll([a, b, c], T0, [0])).resolves.toMatchObject({ allowed: false, refusedBy: [2] });
          expect([await left(a), await left(b)]).toEqual([2, 4]);
        });

        test('when a refused set gave its units back, then the next set gets them', async () => {
          const [a, b] = [limit('u1', 3), limit('+14255550123', 1, 'send:number')];
          await stores().rateLimits.take(b.scope, b.key, b.limit, b.windowMs, T0);
          await expect(stores().rateLimits.takeAll([a, b], T0)).resolves.toMatchObject({ allowed: false });
          await expect(stores().rateLimits.takeAll([a, limit('u2', 1)], T0)).resolves.toEqual({ allowed: true });
          expect(await left(a)).toBe(2);
        });

        test('when a limit is 0, then the set is refused without taking anything', async () => {
          await expect(stores().rateLimits.takeAll([limit('u1', 2), limit('u2', 0)], T0)).resolves.toMatchObject({ allowed: false, refusedBy: [1] });
          expect(await left(limit('u1', 2))).toBe(2);
        });

        test('when 20 sets of two limits (7 and 5) race, then at most 5 are allowed, at least one is, and no limit ever holds more than its allowance', async () => {
          const [a, b] = [limit('racer', 7), limit('+14255550123', 5, 'send:number')];
          const takes = Array.from({ length: 20 }, () => () => stores().rateLimits.takeAll([a, b], T0));
          const results = (await atomic(stores())) ? await Promise.all(takes.map((t) => t())) : await sequentially(takes);
          const allowed = results.filter((r) => r.allowed).length;
          expect(allowed).toBeGreaterThanOrEqual(1);
          expect(allowed).toBeLessThanOrEqual(5);
          // A refused set gave its units back: what is held is exactly (or, for a freed slot, less than) the allowed sets.
          expect(allowed + (await left(a))).toBeLessThanOrEqual(7);
          expect(allowed + (await left(b))).toBeLessThanOrEqual(5);
        });

        test('when a request is not what its type says, then it is refused with a TypeError', async () => {
          await expect(stores().rateLimits.takeAll([limit('u1', 1), { ...limit('u1', 1), key: OPERATOR }], T0)).rejects.toBeInstanceOf(TypeError);
          await expect(stores().rateLimits.takeAll([{ ...limit('u1', 1), limit: OPERATOR_NUMBER }], T0)).rejects.toBeInstanceOf(TypeError);
        });
      });

      test('when a scope, key or limit is not what its type says, then it is refused with a TypeError', async () => {
        await expect(stores().rateLimits.take('s', OPERATOR, 1, HOUR, T0)).rejects.toBeInstanceOf(TypeError);
        await expect(stores().rateLimits.take('s', 'k', OPERATOR_NUMBER, HOUR, T0)).rejects.toBeInstanceOf(TypeError);
        await expect(stores().rateLimits.take('s', 'k', 1, 0, T0)).rejects.toBeInstanceOf(TypeError);
      });
    });

    describe('operator-shaped input', () => {
      test('when a lookup is given an operator-shaped object instead of a string, then nothing matches', async () => {
        const number = '+14255550140';
        const user = await storedUser({ methods: [mobilePhone(number)], enrollment: enrollment(codeSentStep({ phone: number })) });
        await stores().challenges.create(challenge({ userId: user.id, target: number }));
        await stores().audit.append(auditDraft(user.id, 'enrollment.started'), T0);

        await expectNothingMatched(stores().users.get(OPERATOR));
        await expectNothingMatched(stores().users.findByUpn(OPERATOR));
        await expectNothingMatched(stores().users.findByPendingPhone(OPERATOR));
        await expectNothingMatched(stores().users.findByMethodPhone(OPERATOR));
        await expectNothingMatched(stores().users.findByAnsweredWebhook(OPERATOR));
        await expectNothingMatched(stores().challenges.get(OPERATOR));
        await expectNothingMatched(stores().challenges.findPendingByUser(OPERATOR, T0));
        await expectNothingMatched(stores().challenges.findPendingByTarget(OPERATOR, T0));
        await expectNothingMatched(stores().challenges.listRecentByUser(OPERATOR, 10));
        await expectNothingMatched(stores().challenges.latestTurn(OPERATOR));
        await expectNothingMatched(stores().audit.listForUser(OPERATOR, 10));
      });

      test('when a replace carries an operator-shaped id or version, then nothing is written', async () => {
        const user = await storedUser();
        const created = await stores().challenges.create(challenge({ userId: user.id }));

        await expectNothingMatched(stores().users.replace({ ...user, version: OPERATOR_NUMBER, displayName: 'Injected' }));
        await expectNothingMatched(stores().users.replace({ ...user, id: OPERATOR, displayName: 'Injected' }));
        await expectNothingMatched(stores().challenges.replace({ ...created, version: OPERATOR_NUMBER, status: 'approved' }));
        await expectNothingMatched(stores().challenges.replace({ ...created, id: OPERATOR, status: 'approved' }));

        await expect(stores().users.get(user.id)).resolves.toEqual(user);
        await expect(stores().challenges.get(created.id)).resolves.toEqual(created);
      });
    });
  });
}

async function sequentially<T>(actions: ReadonlyArray<() => Promise<T>>): Promise<T[]> {
  const results: T[] = [];
  for (const action of actions) results.push(await action());
  return results;
}

/**
 * Changes something a store returned. A store may hand out its own copy (which takes the change) or a frozen record
 * it shares between readers (which refuses it: the write throws); either way the stored record must not change.
 */
function changeReturned(returned: object, change: () => void): void {
  // The error comes from whichever realm made the record, so it is matched by its name, not its constructor.
  if (Object.isFrozen(returned)) expect(change).toThrow(expect.objectContaining({ name: 'TypeError' }));
  else change();
}
