// Changes to registered methods that need no challenge: removing one and choosing the default sign-in method.
// Pure like the machines: (user, request, context) → (user, replies, effects).
import { reply, type Effect, type Reply } from '../domain/effects';
import type { Channel, User } from '../domain/user';
import { canBeDefault, canRemoveMethod, defaultAfterRemoval, type RegistrationPolicy } from '../domain/rules/registrationPolicy';

export interface SecurityInfoContext {
  readonly now: number;
  readonly policy: RegistrationPolicy;
  readonly channel: Channel;
  readonly actor?: string;
}

export interface SecurityInfoResult {
  readonly state: User;
  readonly replies: readonly Reply[];
  readonly effects: readonly Effect[];
}

export type SecurityInfoRequest = { readonly type: 'removeMethod'; readonly methodId: string } | { readonly type: 'setDefault'; readonly methodId: string };

export function changeSecurityInfo(user: User, request: SecurityInfoRequest, ctx: SecurityInfoContext): SecurityInfoResult {
  const method = user.methods.find((m) => m.id === request.methodId);
  const audit = (action: string): Effect => ({
    type: 'audit',
    entry: { userId: user.id, actor: ctx.actor ?? user.id, action, channel: ctx.channel, details: { methodId: request.methodId, kind: method?.kind ?? null } },
  });
  if (request.type === 'removeMethod') {
    const problem = canRemoveMethod(ctx.policy, user, request.methodId);
    if (problem) return { state: user, replies: [reply(`manage.remove.${problem}`)], effects: [] };
    const state: User = {
      ...user,
      methods: user.methods.filter((m) => m.id !== request.methodId),
      defaultMethodId: defaultAfterRemoval(ctx.policy, user, request.methodId),
    };
    return { state, replies: [reply('manage.remove.done', { methodKey: `methods.${method!.kind}` })], effects: [audit('method:removed')] };
  }
  const problem = canBeDefault(ctx.policy, user, request.methodId);
  if (problem) return { state: user, replies: [reply(`manage.default.${problem}`)], effects: [] };
  if (user.defaultMethodId === request.methodId) return { state: user, replies: [reply('manage.default.unchanged', { methodKey: `methods.${method!.kind}` })], effects: [] };
  return {
    state: { ...user, defaultMethodId: request.methodId },
    replies: [reply('manage.default.done', { methodKey: `methods.${method!.kind}` })],
    effects: [audit('method:defaultChanged')],
  };
}
