// Use case "a text arrives": a carrier keyword (STOP/START/HELP) is recorded and audited; a reset keyword (RESET,
// UNLOCK, …) from a registered mobile is answered with a single-use reset link; anything else is a code for the
// newest enrollment or sign-in waiting for a texted code at that number. Returns what to text back, in whose
// locale (a keyword: the number owner's); an unknown number gets the same neutral answer whether or not it belongs to anyone.
import { reply, type Reply } from '../domain/effects';
import { smsKeyword } from '../domain/rules/smsKeywords';
import { resetKeyword, type ResetPurpose } from '../domain/rules/resetKeywords';
import type { IssueResetLink } from './issueResetLink';
import type { OrgConfig } from '../config/orgConfigSchema';
import type { EnrollmentService } from '../enrollment/enrollmentService';
import type { VerificationService } from '../verification/verificationService';
import type { Stores } from '../ports/repositories';
import type { Clock } from '../ports/clock';
import type { User } from '../domain/user';
import { carriedOut, type WebhookPlan } from './webhookPlan';

export interface ReceivedText {
  readonly from: string;
  readonly body: string;
}

export interface TextAnswer {
  readonly locale: string;
  readonly replies: readonly Reply[];
  /** True when this answer was saved with the record the text changed, where `recall` finds it for a retry. */
  readonly recorded?: boolean;
}

export interface ReceiveTextDeps {
  readonly enrollment: Pick<EnrollmentService, 'apply' | 'applyAnswering'>;
  readonly verification: Pick<VerificationService, 'apply' | 'applyAnswering'>;
  readonly stores: Pick<Stores, 'users' | 'challenges' | 'optOuts' | 'audit'>;
  readonly org: Pick<OrgConfig, 'organisation' | 'helpDesk' | 'locales'>;
  readonly clock: Clock;
  /** Issues reset links for RESET texts; absent: reset by text is off and such a text is read like any other. */
  readonly resetLinks?: Pick<IssueResetLink, 'issue'>;
}

export class ReceiveText {
  /**
   * The neutral "unknown number" answer, the same for every such text: made once, and frozen, which tells the
   * channel it may render it once (see TwilioWebhooks.smsAnswer).
   */
  private readonly neutral: WebhookPlan<TextAnswer>;

  constructor(private readonly deps: ReceiveTextDeps) {
    const { org } = deps;
    const replies = Object.freeze([Object.freeze(reply('sms.inbound.unknown', { org: org.organisation.name }))]);
    this.neutral = Object.freeze({ kind: 'answered', answer: Object.freeze({ locale: org.locales.default, replies }) });
  }

  /** `webhookId`: the delivery's ledger id; the answer is then saved with the record the text changes, if any. */
  async receive(text: ReceivedText, webhookId?: string): Promise<TextAnswer> {
    return carriedOut(await this.plan(text, webhookId));
  }

  /**
   * What the text will be answered, from reads alone (see WebhookPlan): HELP, a number nobody answers for, and a
   * RESET from a number that is nobody's or several people's are answered without a write; STOP/START's answer is
   * known before the opt-out is recorded (`done` tells a retry it was); a code's answer depends on what it changes.
   */
  async plan(text: ReceivedText, webhookId?: string): Promise<WebhookPlan<TextAnswer>> {
    const { org } = this.deps;
    const neutral = this.neutral;
    const keyword = smsKeyword(text.body);
    if (keyword) {
      // A keyword is answered in the language of the person the number belongs to (it is their own phone
      // writing); a number that is nobody's gets the organisation's default.
      const locale = (await this.ownerLocale(text.from)) ?? org.locales.default;
      if (keyword.keyword === 'help') return { kind: 'answered', answer: { locale, replies: [reply('sms.keyword.help', { org: org.organisation.name, contact: this.helpContact() })] } };
      // After STOP the carrier (Twilio) confirms and blocks further texts, ours included: answer nothing.
      const answer: TextAnswer = keyword.keyword === 'stop' ? { locale, replies: [] } : { locale, replies: [reply('sms.keyword.started', { org: org.organisation.name })] };
      return { kind: 'prepared', retryAnswer: answer, carryOut: async () => (await this.recordOptOut(text.from, keyword.keyword === 'stop', keyword.word), answer) };
    }
    const reset = this.deps.resetLinks ? resetKeyword(text.body) : null;
    if (reset) return (await this.resetPlan(text.from, reset.purpose)) ?? neutral;
    return (await this.codePlan(text, webhookId)) ?? neutral;
  }

  /**
   * Whether the writes a prepared answer waits on were made, for a delivery claimed at `claimedAt`: a keyword's
   * opt-out record (written last) is at least as new as the claim. A newer keyword of the number recorded since
   * counts too: it supersedes this one, which must then not be recorded after it.
   */
  async done(text: ReceivedText, claimedAt: number): Promise<boolean> {
    const keyword = smsKeyword(text.body);
    if (!keyword || keyword.keyword === 'help') return false;
    const recorded = await this.deps.stores.optOuts.get(text.from);
    return recorded !== null && recorded.at >= claimedAt;
  }

  /**
   * The answer `receive` saved for this webhook with the record it changed (an enrollment, else a sign-in
   * challenge), or null (see TextAnswer.recorded).
   */
  async recall(webhookId: string): Promise<TextAnswer | null> {
    const { users, challenges } = this.deps.stores;
    const answer =
      (await users.findByAnsweredWebhook(webhookId))?.answeredWebhooks?.find((a) => a.webhookId === webhookId) ??
      (await challenges.findByAnsweredWebhook(webhookId))?.answeredWebhooks?.find((a) => a.webhookId === webhookId);
    return answer ? { locale: answer.locale, replies: answer.replies, recorded: true } : null;
  }

  /** Applies the text as a code to the newest thing waiting for a texted code at this number; null when nothing is. */
  private async codePlan(text: ReceivedText, webhookId: string | undefined): Promise<WebhookPlan<TextAnswer> | null> {
    const { stores, enrollment, verification, clock } = this.deps;
    const users = (await stores.users.findByPendingPhone(text.from)).filter((u) => u.enrollment?.step.name === 'codeSent' && u.enrollment.step.delivery === 'sms');
    const user = users.sort((a, b) => (b.enrollment?.updatedAt ?? 0) - (a.enrollment?.updatedAt ?? 0))[0];
    if (user) {
      const event = { type: 'submitCode', code: text.body } as const;
      const locale = user.locale;
      return {
        kind: 'work',
        carryOut: async () => {
          if (webhookId === undefined) return { locale, replies: await enrollment.apply(user.id, event, { channel: 'sms' }, user) };
          const { replies, recorded } = await enrollment.applyAnswering(user.id, event, { channel: 'sms' }, { id: webhookId, locale }, user);
          return { locale, replies, recorded };
        },
      };
    }
    const challenge = (await stores.challenges.findPendingByTarget(text.from, clock.now())).find((c) => c.method === 'sms');
    if (challenge) {
      return {
        kind: 'work',
        carryOut: async () => {
          const event = { type: 'submitCode', code: text.body } as const;
          const locale = challenge.locale;
          if (webhookId === undefined) return { locale, replies: (await verification.apply(challenge.id, event, 'sms', challenge)).replies };
          const outcome = await verification.applyAnswering(challenge.id, event, 'sms', { id: webhookId, locale }, challenge);
          return { locale, replies: outcome.replies, recorded: true };
        },
      };
    }
    return null;
  }

  /** A RESET from a number nobody or several people registered is answered at once; one person's gets a link issued. */
  private async resetPlan(from: string, purpose: ResetPurpose): Promise<WebhookPlan<TextAnswer> | null> {
    const { stores, org, resetLinks } = this.deps;
    const owners = await stores.users.findByMethodPhone(from);
    if (owners.length === 0 || !resetLinks) return null;
    // A number several people registered (a family phone) cannot say whose password to reset.
    if (owners.length > 1) return { kind: 'answered', answer: { locale: org.locales.default, replies: [reply('sms.reset.shared', { org: org.organisation.name, contact: this.helpContact() })] } };
    const user = owners[0]!;
    return { kind: 'work', carryOut: async () => this.resetReply(user, from, purpose, resetLinks) };
  }

  /** The reset link for the one person this mobile is registered to, or why there is none. */
  private async resetReply(user: User, from: string, purpose: ResetPurpose, resetLinks: Pick<IssueResetLink, 'issue'>): Promise<TextAnswer> {
    const orgName = this.deps.org.organisation.name;
    const outcome = await resetLinks.issue({ via: 'sms', user, purpose, phone: from });
    const answer = (r: ReturnType<typeof reply>): TextAnswer => ({ locale: user.locale, replies: [r] });
    switch (outcome.kind) {
      case 'issued':
        return answer(reply(purpose === 'unlock' ? 'sms.reset.unlockLink' : 'sms.reset.link', { org: orgName, url: outcome.url, minutes: outcome.minutes }));
      case 'limited':
        return answer(reply('sms.reset.limited', { org: orgName, minutes: Math.max(1, Math.ceil(outcome.retryAfterMs / 60_000)) }));
      case 'notAllowed':
        return answer(reply('sms.reset.notByText', { org: orgName, contact: this.helpContact() }));
      case 'notLinked':
        return answer(reply('sms.reset.notLinked', { org: orgName, contact: this.helpContact() }));
      case 'unavailable':
        return answer(reply('sms.reset.unavailable', { org: orgName }));
    }
  }

  /** The stored locale of the person this number is registered to (else being verified for); null if nobody's. */
  private async ownerLocale(number: string): Promise<string | null> {
    const { users } = this.deps.stores;
    const owner = (await users.findByMethodPhone(number))[0] ?? (await users.findByPendingPhone(number))[0];
    return owner?.locale ?? null;
  }

  /** Audits, then records the number's state: the record, written last, tells a webhook retry it was done (`done`). */
  private async recordOptOut(number: string, optedOut: boolean, word: string): Promise<void> {
    const { stores, clock } = this.deps;
    const now = clock.now();
    // Audit on each person the number belongs to (registered or being verified), never with the number itself.
    const owners = new Set([...(await stores.users.findByMethodPhone(number)), ...(await stores.users.findByPendingPhone(number))].map((u) => u.id));
    for (const userId of owners) {
      await stores.audit.append({ userId, actor: 'sms', action: optedOut ? 'sms:optOut' : 'sms:optIn', channel: 'sms', details: { keyword: word } }, now);
    }
    await stores.optOuts.record({ number, optedOut, keyword: word, at: now });
  }

  private helpContact(): string {
    const { helpDesk } = this.deps.org;
    return [helpDesk.phone, helpDesk.email, helpDesk.url].filter((v): v is string => v !== undefined).join(', ');
  }
}
