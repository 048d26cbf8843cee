// Who is talking in this turn and in which locale: the bot resolves it before any dialog runs and keeps it in the
// turn state, where every dialog reads it.
import type { TurnContext } from 'botbuilder';
import type { NewUser } from '../../src/domain/user';
import type { Requester } from '../../src/helpdesk/helpDeskService';

export interface TurnUser {
  readonly id: string;
  readonly locale: string;
  /** The IANA time zone the person's Teams client reported this turn; times are shown in it (UTC when null). */
  readonly timeZone?: string | null;
  /** The directory profile the record is created from on first contact. */
  readonly profile: NewUser;
}

const TURN_USER = Symbol('signet:turnUser');

export function setTurnUser(context: TurnContext, user: TurnUser): void {
  context.turnState.set(TURN_USER, user);
}

/** The person's language of this turn once the bot has resolved it, else `fallback` (a turn refused before that). */
export function turnLocaleOr(context: TurnContext, fallback: string): string {
  return (context.turnState.get(TURN_USER) as TurnUser | undefined)?.locale ?? fallback;
}

export function turnUser(context: TurnContext): TurnUser {
  const user = context.turnState.get(TURN_USER) as TurnUser | undefined;
  if (!user) throw new Error('The bot did not resolve the person before running dialogs');
  return user;
}

/** The person of this turn as the help-desk service sees them (membership is by directory id or UPN). */
export function requesterOf(context: TurnContext): Requester {
  const user = turnUser(context);
  return { id: user.id, upn: user.profile.upn, channel: 'teams' };
}
