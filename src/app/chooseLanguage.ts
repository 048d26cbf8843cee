// A person said which language they want ("español", "English"): it becomes theirs, on their record, so the chat,
// and every later text, call and email follow it (not only the conversation it was said in).
import type { User } from '../domain/user';
import type { Clock } from '../ports/clock';
import type { UserRepository } from '../ports/repositories';
import { compareAndSet } from '../serviceKit/compareAndSet';

export interface ChooseLanguageDeps {
  readonly users: Pick<UserRepository, 'get' | 'replace'>;
  readonly clock: Clock;
}

export class ChooseLanguage {
  constructor(private readonly deps: ChooseLanguageDeps) {}

  /**
   * Saves `locale` (already one the organisation offers: the channel checked it against the offered list) as the
   * person's chosen language. Choosing the language already chosen writes nothing. Null when there is no such person.
   */
  async choose(userId: string, locale: string, loaded?: User): Promise<User | null> {
    const { users, clock } = this.deps;
    const committed = await compareAndSet(
      { read: () => users.get(userId), replace: (next) => users.replace(next) },
      (current) => ({
        next: current.locale === locale && current.localeChosen === true ? current : { ...current, locale, localeChosen: true as const, updatedAt: clock.now() },
        result: null,
      }),
      loaded !== undefined ? { loaded } : {},
    );
    return committed?.saved ?? null;
  }
}
