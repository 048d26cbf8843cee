// Use case "a text arrives": a carrier keyword (STOP/START/HELP) is recorded and audited; anything else is a code
// for the newest enrollment or sign-in waiting for a texted code at that number. Returns what to text back, in
// whose locale (a keyword: the number owner's); a code nothing waits for gets the same neutral answer whether or
// not the number belongs to anyone.
import { reply, type Reply } from '../domain/effects';
import { smsKeyword } from '../domain/rules/smsKeywords';
import type { OrgConfig } from '../config/orgConfigSchema';
import type { EnrollmentService } from '../enrollment/enrollmentService';
import type { VerificationService } from '../verification/verificationService';
import type { Stores } from '../ports/repositories';
import type { Clock } from '../ports/clock';

export interface ReceivedText {
  readonly from: string;
  readonly body: string;
}

export interface TextAnswer {
  readonly locale: string;
  readonly replies: readonly Reply[];
}

export interface ReceiveTextDeps {
  readonly enrollment: Pick<EnrollmentService, 'apply'>;
  readonly verification: Pick<VerificationService, 'apply'>;
  readonly stores: Pick<Stores, 'users' | 'challenges' | 'optOuts' | 'audit'>;
  readonly org: Pick<OrgConfig, 'organisation' | 'helpDesk' | 'locales'>;
  readonly clock: Clock;
}

export class ReceiveText {
  constructor(private readonly deps: ReceiveTextDeps) {}

  async receive(text: ReceivedText): Promise<TextAnswer> {
    const { org } = this.deps;
    const neutralLocale = org.locales.default;
    const keyword = smsKeyword(text.body);
    if (keyword) {
      // A keyword is answered in the language of the person the number belongs to (it is their own phone
      // writing); a number that is nobody's gets the organisation's default.
      const locale = (await this.ownerLocale(text.from)) ?? neutralLocale;
      if (keyword.keyword === 'help') return { locale, replies: [reply('sms.keyword.help', { org: org.organisation.name, contact: this.helpContact() })] };
      await this.recordOptOut(text.from, keyword.keyword === 'stop', keyword.word);
      // After STOP the carrier (Twilio) confirms and blocks further texts, ours included: answer nothing.
      return keyword.keyword === 'stop' ? { locale, replies: [] } : { locale, replies: [reply('sms.keyword.started', { org: org.organisation.name })] };
    }
    return (await this.codeReply(text)) ?? { locale: neutralLocale, replies: [reply('sms.inbound.unknown', { org: org.organisation.name })] };
  }

  /** Applies the text as a code to the newest thing waiting for a texted code at this number; null when nothing is. */
  private async codeReply(text: ReceivedText): Promise<TextAnswer | null> {
    const { stores, enrollment, verification, clock } = this.deps;
    const users = (await stores.users.findByPendingPhone(text.from)).filter((u) => u.enrollment?.step.name === 'codeSent' && u.enrollment.step.delivery === 'sms');
    const user = users.sort((a, b) => (b.enrollment?.updatedAt ?? 0) - (a.enrollment?.updatedAt ?? 0))[0];
    if (user) return { locale: user.locale, replies: await enrollment.apply(user.id, { type: 'submitCode', code: text.body }, { channel: 'sms' }, user) };
    const challenge = (await stores.challenges.findPendingByTarget(text.from, clock.now())).find((c) => c.method === 'sms');
    if (challenge) {
      const outcome = await verification.apply(challenge.id, { type: 'submitCode', code: text.body }, 'sms', challenge);
      return { locale: challenge.locale, replies: outcome.replies };
    }
    return null;
  }

  /** The stored locale of the person this number is registered to (else being verified for); null if nobody's. */
  private async ownerLocale(number: string): Promise<string | null> {
    const { users } = this.deps.stores;
    const owner = (await users.findByMethodPhone(number))[0] ?? (await users.findByPendingPhone(number))[0];
    return owner?.locale ?? null;
  }

  private async recordOptOut(number: string, optedOut: boolean, word: string): Promise<void> {
    const { stores, clock } = this.deps;
    const now = clock.now();
    await stores.optOuts.record({ number, optedOut, keyword: word, at: now });
    // Audit on each person the number belongs to (registered or being verified), never with the number itself.
    const owners = new Set([...(await stores.users.findByMethodPhone(number)), ...(await stores.users.findByPendingPhone(number))].map((u) => u.id));
    for (const userId of owners) {
      await stores.audit.append({ userId, actor: 'sms', action: optedOut ? 'sms:optOut' : 'sms:optIn', channel: 'sms', details: { keyword: word } }, now);
    }
  }

  private helpContact(): string {
    const { helpDesk } = this.deps.org;
    return [helpDesk.phone, helpDesk.email, helpDesk.url].filter((v): v is string => v !== undefined).join(', ');
  }
}
