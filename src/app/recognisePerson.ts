// A person writes to a channel: their record, created on first contact from the profile the channel can vouch for
// (Teams reads the roster only then). One read for someone already known. The language a channel reports (Teams'
// own setting) becomes the record's while the person has not chosen one, so a person who switches Teams to Spanish
// gets their later texts, calls and emails in Spanish too; a language they chose themselves is never overridden.
import type { NewUser, User } from '../domain/user';
import type { EnrollmentService } from '../enrollment/enrollmentService';
import type { Clock } from '../ports/clock';
import type { UserRepository } from '../ports/repositories';
import { compareAndSet, ConcurrentUpdateError } from '../serviceKit/compareAndSet';

export interface RecognisePersonDeps {
  readonly users: Pick<UserRepository, 'get' | 'replace'>;
  readonly enrollment: Pick<EnrollmentService, 'ensureUser'>;
  readonly clock: Clock;
}

export class RecognisePerson {
  constructor(private readonly deps: RecognisePersonDeps) {}

  /**
   * The record of `id`; on first contact it is created from `firstContact()`, which is not called otherwise.
   * `channelLocale` (already one the organisation offers) is the language the channel reports for this person now.
   */
  async recognise(id: string, firstContact: () => Promise<NewUser>, channelLocale?: string): Promise<User> {
    const existing = await this.deps.users.get(id);
    if (existing === null) return this.deps.enrollment.ensureUser(await firstContact());
    if (channelLocale === undefined || !followsChannel(existing, channelLocale)) return existing;
    return (await this.followChannelLocale(existing, channelLocale)) ?? existing;
  }

  /** One compare-and-set, and only when the language differs: a person's usual turn writes nothing. */
  private async followChannelLocale(loaded: User, locale: string): Promise<User | null> {
    const { users, clock } = this.deps;
    try {
      const committed = await compareAndSet(
        { read: () => users.get(loaded.id), replace: (next) => users.replace(next) },
        (current) => ({ next: followsChannel(current, locale) ? { ...current, locale, updatedAt: clock.now() } : current, result: null }),
        { loaded },
      );
      return committed?.saved ?? null;
    } catch (error) {
      // The record kept changing under us: this turn answers in the channel's language anyway, and the next turn
      // tries again; the person's own turn must not fail over it.
      if (error instanceof ConcurrentUpdateError) return null;
      throw error;
    }
  }
}

function followsChannel(user: User, locale: string): boolean {
  return user.localeChosen !== true && user.locale !== locale;
}
