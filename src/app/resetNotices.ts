// After a password change or unlock: the audit entry (who, how verified, from where) and a notice to the person's
// other channels — a text to each mobile, their Teams chat, their personal email — so a reset they did not make
// is noticed. Sent through the core's effects (the same ports as every text, mail and Teams message).
import { reply, type Effect } from '../domain/effects';
import type { ResetSession } from '../ports/resetSessions';
import type { ResetDeps } from './resetRules';

export async function announceReset(deps: Pick<ResetDeps, 'stores' | 'effects' | 'org' | 'clock'>, session: ResetSession, action: 'passwordChanged' | 'unlocked'): Promise<void> {
  const userId = session.userId!;
  await deps.stores.audit.append(
    {
      userId,
      actor: 'self-service',
      action: `reset:${action}`,
      channel: 'web',
      details: { sessionId: session.id, verifiedBy: session.proofs.join(','), via: session.linkVia ?? 'web', ip: session.ip },
    },
    deps.clock.now(),
  );
  const user = await deps.stores.users.get(userId);
  if (!user) return;
  const org = deps.org.organisation.name;
  const help = deps.org.helpDesk.phone ?? deps.org.helpDesk.email ?? deps.org.helpDesk.url ?? '';
  const message = reply(`passwordReset.notice.${action}`, { org, helpDesk: help });
  // A notice of its own kind: its delivery status is recorded, never taken for a challenge's (the session is no challenge).
  const purpose = { kind: 'notice' as const, userId, refId: session.id };
  const effects: Effect[] = [];
  for (const method of user.methods) {
    if (method.kind === 'mobilePhone' || method.kind === 'alternatePhone') effects.push({ type: 'sendSms', to: method.number, message, locale: user.locale, purpose });
    if (method.kind === 'email') effects.push({ type: 'sendEmail', to: method.address, subject: reply(`passwordReset.notice.${action}Subject`, { org }), body: message, locale: user.locale, purpose });
  }
  if ((await deps.stores.conversations.get(userId, 'teams')) !== null) effects.push({ type: 'notifyUser', userId, channel: 'teams', message });
  // A notice that cannot be delivered must not undo the change already made; the runner reports provider faults.
  for (const effect of effects) await deps.effects.run(effect, user.locale);
}
