// The person's record as this turn last read or saved it, so a turn reads the store once: dialogs load it and apply
// enrollment events through here, and a write that did not hand back the record makes the copy stale.
import type { TurnContext } from 'botbuilder';
import type { Reply } from '../../src/domain/effects';
import type { User } from '../../src/domain/user';
import type { EnrollmentEvent } from '../../src/enrollment/enrollmentTypes';
import { turnServices, type DialogServices } from './dialogServices';
import { turnUser } from './turnUser';

const TURN_RECORD = Symbol('signet:turnRecord');

/** The record as this turn last read or saved it, and the turn's write count at that moment. */
interface TurnRecord {
  readonly user: User;
  readonly writes: number;
}

/** Keeps `user` as this turn's copy of the record: dialogs read it instead of the store (one read per turn). */
export function setTurnRecord(services: DialogServices, context: TurnContext, user: User): void {
  if (!services.turnWrites) return;
  const record: TurnRecord = { user, writes: services.turnWrites(context) };
  context.turnState.set(TURN_RECORD, record);
}

/** The turn's copy of the record if no write has made it stale since it was kept. */
function keptRecord(services: DialogServices, context: TurnContext): User | undefined {
  const kept = context.turnState.get(TURN_RECORD) as TurnRecord | undefined;
  return kept && services.turnWrites && kept.writes === services.turnWrites(context) ? kept.user : undefined;
}

/** Drops the turn's copy (the turn is re-run on fresh state): the next `loadUser` reads the store. */
export function forgetTurnRecord(context: TurnContext): void {
  context.turnState.delete(TURN_RECORD);
}

export async function loadUser(services: DialogServices, context: TurnContext): Promise<User> {
  // A write that did not hand back the record (a method removed, a help-desk action) makes the copy stale.
  const kept = keptRecord(services, context);
  if (kept) return kept;
  // The bot created the record at the start of the turn; this reads the latest version.
  const user = await turnServices(services, context).enrollment.ensureUser(turnUser(context).profile);
  setTurnRecord(services, context, user);
  return user;
}

/** Applies an event from this turn's copy of the record and keeps the record as saved for the rest of the turn. */
export async function applyEvent(services: DialogServices, context: TurnContext, event: EnrollmentEvent): Promise<readonly Reply[]> {
  const loaded = keptRecord(services, context);
  // Forgotten first: should the call fail half-way, nothing later in the turn trusts the old copy.
  forgetTurnRecord(context);
  const { replies, user } = await turnServices(services, context).enrollment.applyReturningUser(turnUser(context).id, event, { channel: 'teams' }, loaded);
  setTurnRecord(services, context, user);
  return replies;
}
