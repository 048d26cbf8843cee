// The Teams notifier: sends the rendered reply into the saved conversation with the configured app id, in the
// conversation's locale; a Teams sign-in request goes as the approval card; other channels and people without a
// saved conversation are left alone.
import type { Activity, ConversationReference, TurnContext } from 'botbuilder';
import { TeamsNotifier } from '../../src/channels/teams/teamsNotifier';
import { MemoryConversationRefRepository } from '../../src/stores/memoryStores';

function fakeAdapter() {
  const sent: Array<{ appId: string; reference: Partial<ConversationReference>; text: string | Partial<Activity> }> = [];
  return {
    sent,
    continueConversationAsync: async (appId: string, reference: Partial<ConversationReference>, logic: (context: TurnContext) => Promise<void>) => {
      await logic({ sendActivity: async (text: string | Partial<Activity>) => void sent.push({ appId, reference, text }) } as unknown as TurnContext);
    },
  };
}

describe('TeamsNotifier', () => {
  it('when a Teams notice is sent, then it goes to the saved conversation in its locale', async () => {
    const conversations = new MemoryConversationRefRepository();
    await conversations.save({ userId: 'u1', channel: 'teams', reference: JSON.stringify({ conversation: { id: 'c1' }, locale: 'en-GB', serviceUrl: 'https://smba.example/' }), updatedAt: 1 });
    const adapter = fakeAdapter();
    const notifier = new TeamsNotifier({ adapter, appId: 'app-id', conversations, render: (locale, r) => `${locale}:${r.key}`, defaultLocale: 'en-US' });
    await notifier.notify('u1', 'teams', { key: 'enrollment.verified.phone' });
    expect(adapter.sent).toEqual([{ appId: 'app-id', reference: expect.objectContaining({ conversation: { id: 'c1' } }), text: 'en-GB:enrollment.verified.phone' }]);
  });

  it('when the channel is not Teams or there is no saved conversation, then nothing is sent', async () => {
    const adapter = fakeAdapter();
    const warnings: string[] = [];
    const notifier = new TeamsNotifier({ adapter, appId: '', conversations: new MemoryConversationRefRepository(), render: () => 'x', defaultLocale: 'en-US', logger: { warn: (m) => void warnings.push(m) } });
    await notifier.notify('u1', 'sms', { key: 'k' });
    await notifier.notify('u1', 'teams', { key: 'k' });
    expect(adapter.sent).toEqual([]);
    expect(warnings).toEqual(['no Teams conversation to notify']);
  });

  it('when the reply is a Teams sign-in request, then an approval card is sent with its text fallback', async () => {
    const conversations = new MemoryConversationRefRepository();
    await conversations.save({ userId: 'u1', channel: 'teams', reference: JSON.stringify({ conversation: { id: 'c1' }, locale: 'en-GB' }), updatedAt: 1 });
    const adapter = fakeAdapter();
    const notifier = new TeamsNotifier({ adapter, appId: '', conversations, render: (locale, r) => `${locale}:${r.key}:${JSON.stringify(r.params ?? {})}`, defaultLocale: 'en-US' });
    await notifier.notify('u1', 'teams', { key: 'verification.teams.request', params: { application: 'VPN', location: '', choices: '12 34 56', challengeId: 'ch-1' } });
    const sent = adapter.sent[0]!.text as Partial<Activity>;
    const card = sent.attachments?.[0]?.content as { version: string; fallbackText: string; actions: Array<{ data: Record<string, unknown> }> };
    expect(sent.attachments?.[0]?.contentType).toBe('application/vnd.microsoft.card.adaptive');
    expect(card.version).toBe('1.5');
    expect(card.fallbackText).toContain('en-GB:teams.signIn.title:{"application":"VPN"}');
    expect(card.actions[0]!.data).toEqual({ signet: 1, action: 'signIn:answer', challengeId: 'ch-1', answer: 'deny' });
  });

  it('when registration needs another method, then the notice carries a "Set up MFA" button', async () => {
    const conversations = new MemoryConversationRefRepository();
    await conversations.save({ userId: 'u1', channel: 'teams', reference: JSON.stringify({ conversation: { id: 'c1' }, locale: 'en-US' }), updatedAt: 1 });
    const adapter = fakeAdapter();
    const notifier = new TeamsNotifier({ adapter, appId: '', conversations, render: (locale, r) => `${locale}:${r.key}`, defaultLocale: 'en-US' });
    await notifier.notify('u1', 'teams', { key: 'enrollment.progress.more', params: { done: 1, required: 2 } });
    const sent = adapter.sent[0]!.text as Partial<Activity>;
    const card = sent.attachments?.[0]?.content as { body: Array<{ text: string }>; actions: Array<{ title: string; data: Record<string, unknown> }> };
    expect(card.body[0]!.text).toBe('en-US:enrollment.progress.more');
    expect(card.actions).toEqual([expect.objectContaining({ title: 'en-US:teams.menu.register', data: { signet: 1, action: 'menu', item: 'register' } })]);
  });
});
