// What help-desk staff can do for a person: look them up, issue or revoke a Temporary Access Pass, unlock their
// verifications, and require them to register again. Only configured members may; every action, and every
// refused attempt, is audited with who did it. Channels (the Teams help-desk dialog) call these use cases.
import { maskEmail } from '../domain/rules/emailAddresses';
import { maskPhone, parsePhone } from '../domain/rules/phoneNumbers';
import { meetsPolicy, type RegistrationPolicy } from '../domain/rules/registrationPolicy';
import type { MethodKind } from '../domain/methodKinds';
import type { Channel, SecurityMethod, User } from '../domain/user';
import type { RandomSource } from '../security/random';
import type { Clock } from '../ports/clock';
import type { Stores } from '../ports/repositories';
import type { VerificationStores } from '../ports/verificationRepositories';
import type { ChallengeStatus } from '../domain/challenge';
import { isPassUsable } from '../domain/temporaryAccessPass';
import { compareAndSet } from '../serviceKit/compareAndSet';
import { issueTemporaryAccessPass, type IssueProblem } from './temporaryAccessPass';

export interface HelpDeskDeps {
  readonly stores: Pick<Stores, 'users' | 'challenges' | 'audit'>;
  readonly verificationStores: VerificationStores;
  readonly clock: Clock;
  readonly random: RandomSource;
  readonly passKey: Buffer;
  readonly policy: RegistrationPolicy;
  /** Directory ids or UPNs (case-insensitive) of the help-desk staff. */
  readonly members: readonly string[];
  readonly defaultCountry: Parameters<typeof parsePhone>[1];
}

export interface Requester {
  readonly id: string;
  readonly upn: string;
  readonly channel: Channel;
}

export interface PersonSummary {
  readonly id: string;
  readonly upn: string;
  readonly displayName: string;
  readonly meetsPolicy: boolean;
  readonly methods: readonly { readonly kind: MethodKind; readonly label: string; readonly isDefault: boolean }[];
  readonly recentVerifications: readonly { readonly method: string; readonly status: ChallengeStatus; readonly reason: string | null; readonly at: number }[];
  readonly pass: { readonly expiresAt: number; readonly oneTime: boolean; readonly usable: boolean } | null;
  /**
   * Recent self-service resets, unlocks and reset lockouts, newest first: how verified (comma-separated reset
   * methods), how it started (`web`, or a link sent by `sms` / `teams`), from which address.
   */
  readonly recentResets: readonly { readonly action: string; readonly verifiedBy: string | null; readonly via: string | null; readonly ip: string | null; readonly at: number }[];
}

/** The audit actions of self-service reset the look-up shows (src/app/resetNotices.ts, resetAnswerSubmitted.ts, resetMethodChosen.ts). */
const RESET_ACTIONS = new Set(['reset:passwordChanged', 'reset:unlocked', 'reset:locked', 'reset:challengeWithheld']);
/** Audit entries read to find the recent resets among a person's other activity. */
const AUDIT_WINDOW = 50;

export type Refusal = { readonly kind: 'notMember' } | { readonly kind: 'notFound' };

const RECENT = 5;

export class HelpDeskService {
  constructor(private readonly deps: HelpDeskDeps) {}

  isMember(requester: Pick<Requester, 'id' | 'upn'>): boolean {
    const ids = new Set(this.deps.members.map((m) => m.toLowerCase()));
    return ids.has(requester.id.toLowerCase()) || ids.has(requester.upn.toLowerCase());
  }

  async lookUp(requester: Requester, query: string): Promise<Refusal | { kind: 'found'; person: PersonSummary }> {
    const person = await this.authorise(requester, query, 'helpdesk:lookUp');
    if ('kind' in person) return person;
    const now = this.deps.clock.now();
    const recent = await this.deps.stores.challenges.listRecentByUser(person.id, RECENT);
    const pass = await this.deps.verificationStores.passes.getForUser(person.id);
    const resets = (await this.deps.stores.audit.listForUser(person.id, AUDIT_WINDOW)).filter((e) => RESET_ACTIONS.has(e.action)).slice(0, RECENT);
    return {
      kind: 'found',
      person: {
        id: person.id,
        upn: person.upn,
        displayName: person.displayName,
        meetsPolicy: meetsPolicy(this.deps.policy, person),
        methods: person.methods.map((m) => ({ kind: m.kind, label: this.maskedLabel(m), isDefault: m.id === person.defaultMethodId })),
        recentVerifications: recent.map((c) => ({ method: c.method, status: c.status, reason: c.reason, at: c.endedAt ?? c.createdAt })),
        pass: pass && {
          expiresAt: pass.expiresAt,
          oneTime: pass.oneTime,
          usable: isPassUsable(pass, now),
        },
        recentResets: resets.map((e) => ({
          action: e.action,
          verifiedBy: stringOrNull(e.details?.['verifiedBy']),
          via: stringOrNull(e.details?.['via']),
          ip: stringOrNull(e.details?.['ip']),
          at: e.at,
        })),
      },
    };
  }

  /** Issues a pass (replacing any earlier one). The passcode is returned to be shown once; it is never stored. */
  async issuePass(
    requester: Requester,
    query: string,
    options: { lifetimeMs?: number; oneTime?: boolean } = {},
  ): Promise<Refusal | { kind: IssueProblem } | { kind: 'issued'; passcode: string; expiresAt: number; oneTime: boolean }> {
    const person = await this.authorise(requester, query, 'helpdesk:issuePass');
    if ('kind' in person) return person;
    const now = this.deps.clock.now();
    const result = issueTemporaryAccessPass({ userId: person.id, issuedBy: requester.id, ...options }, now, this.deps.random, this.deps.passKey);
    if (!result.ok) {
      await this.audit(requester, person.id, `helpdesk:issuePassRefused`, { problem: result.problem });
      return { kind: result.problem };
    }
    await this.deps.verificationStores.passes.put(result.pass);
    await this.audit(requester, person.id, 'helpdesk:passIssued', { passId: result.pass.id, expiresAt: result.pass.expiresAt, oneTime: result.pass.oneTime });
    return { kind: 'issued', passcode: result.passcode, expiresAt: result.pass.expiresAt, oneTime: result.pass.oneTime };
  }

  async revokePass(requester: Requester, query: string): Promise<Refusal | { kind: 'noPass' } | { kind: 'revoked' }> {
    const person = await this.authorise(requester, query, 'helpdesk:revokePass');
    if ('kind' in person) return person;
    const revoked = await this.deps.verificationStores.passes.revoke(person.id, this.deps.clock.now());
    if (revoked) await this.audit(requester, person.id, 'helpdesk:passRevoked', null);
    return { kind: revoked ? 'revoked' : 'noPass' };
  }

  async unlockVerifications(requester: Requester, query: string): Promise<Refusal | { kind: 'unlocked' }> {
    const person = await this.authorise(requester, query, 'helpdesk:unlock');
    if ('kind' in person) return person;
    await this.deps.verificationStores.unlocks.unlock(person.id, requester.id, this.deps.clock.now());
    await this.audit(requester, person.id, 'helpdesk:unlocked', null);
    return { kind: 'unlocked' };
  }

  /** Removes every method and any enrollment in progress, so the person registers afresh. Confirm before calling. */
  async requireReRegistration(requester: Requester, query: string): Promise<Refusal | { kind: 'done'; removed: number }> {
    const person = await this.authorise(requester, query, 'helpdesk:requireReRegistration');
    if ('kind' in person) return person;
    const { users } = this.deps.stores;
    const committed = await compareAndSet({ read: () => users.get(person.id), replace: (next) => users.replace(next) }, (current) => ({
      next: { ...current, methods: [], defaultMethodId: null, enrollment: null, updatedAt: this.deps.clock.now() },
      result: current.methods.length,
    }));
    if (!committed) return { kind: 'notFound' };
    await this.deps.verificationStores.passes.revoke(person.id, this.deps.clock.now());
    await this.audit(requester, person.id, 'helpdesk:reRegistrationRequired', { removed: committed.result });
    return { kind: 'done', removed: committed.result };
  }

  /** Members only; the person by UPN or id. A non-member's attempt is audited on the requester's own record. */
  private async authorise(requester: Requester, query: string, action: string): Promise<Refusal | User> {
    if (!this.isMember(requester)) {
      await this.audit(requester, requester.id, 'helpdesk:refusedNotMember', { attempted: action });
      return { kind: 'notMember' };
    }
    const trimmed = query.trim();
    const person = (await this.deps.stores.users.findByUpn(trimmed)) ?? (await this.deps.stores.users.get(trimmed));
    return person ?? { kind: 'notFound' };
  }

  private maskedLabel(method: SecurityMethod): string {
    if ('number' in method) {
      const parsed = parsePhone(method.number, this.deps.defaultCountry);
      return maskPhone(parsed.ok ? parsed.phone.international : method.number);
    }
    if (method.kind === 'email') return maskEmail(method.address);
    return '';
  }

  private async audit(requester: Requester, userId: string, action: string, details: Readonly<Record<string, string | number | boolean | null>> | null): Promise<void> {
    await this.deps.stores.audit.append(
      { userId, actor: requester.id, action, channel: requester.channel, ...(details ? { details } : {}) },
      this.deps.clock.now(),
    );
  }
}

function stringOrNull(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}
