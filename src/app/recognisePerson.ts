// A person writes to a channel: their record, created on first contact from the profile the channel can vouch for
// (Teams reads the roster only then). One read for someone already known.
import type { NewUser, User } from '../domain/user';
import type { EnrollmentService } from '../enrollment/enrollmentService';
import type { UserRepository } from '../ports/repositories';

export interface RecognisePersonDeps {
  readonly users: Pick<UserRepository, 'get'>;
  readonly enrollment: Pick<EnrollmentService, 'ensureUser'>;
}

export class RecognisePerson {
  constructor(private readonly deps: RecognisePersonDeps) {}

  /** The record of `id`; on first contact it is created from `firstContact()`, which is not called otherwise. */
  async recognise(id: string, firstContact: () => Promise<NewUser>): Promise<User> {
    const existing = await this.deps.users.get(id);
    return existing ?? (await this.deps.enrollment.ensureUser(await firstContact()));
  }
}
