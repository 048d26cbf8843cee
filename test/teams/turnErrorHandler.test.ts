// The Teams turn-error handler: the localized apology first, then the dialog state is reset so a broken dialog
// cannot fail every later turn; a failing reset is logged, never thrown.
import type { TurnContext } from 'botbuilder';
import { createTurnErrorHandler } from '../../src/channels/teams/signetBot';
import { createLogger } from '../../src/logging/logger';
import { testI18n } from './teamsHarness';

function fakeContext(sent: unknown[], type = 'message'): TurnContext {
  return { activity: { locale: 'en-GB', type, channelId: 'msteams', conversation: { conversationType: 'personal' } }, sendActivity: async (activity: unknown) => void sent.push(activity) } as unknown as TurnContext;
}

describe('turn error handler', () => {
  it('when a turn fails, then the person gets the apology and the dialog state is reset', async () => {
    const i18n = await testI18n();
    const order: string[] = [];
    const sent: string[] = [];
    const handler = createTurnErrorHandler({ logger: createLogger({ level: 'error', sink: () => undefined }), i18n, resetDialogs: async () => void order.push(`reset after ${sent.length} message(s)`) });
    await handler(fakeContext(sent), new Error('boom'));
    expect(sent).toEqual([i18n.t('en-GB', 'common.unexpectedError')]);
    expect(order).toEqual(['reset after 1 message(s)']);
  });

  it('when the reset itself fails, then it is logged and the handler still resolves', async () => {
    const i18n = await testI18n();
    const lines: string[] = [];
    const handler = createTurnErrorHandler({ logger: createLogger({ level: 'error', sink: (l) => void lines.push(l) }), i18n, resetDialogs: async () => Promise.reject(new Error('storage down')) });
    await expect(handler(fakeContext([]), new Error('boom'))).resolves.toBeUndefined();
    expect(lines.join('\n')).toContain('could not reset the dialog state');
  });

  it('when an invoke fails, then after the apology it is answered 200 (the adapter would otherwise answer 501)', async () => {
    const i18n = await testI18n();
    const sent: unknown[] = [];
    const handler = createTurnErrorHandler({ logger: createLogger({ level: 'error', sink: () => undefined }), i18n });
    await handler(fakeContext(sent, 'invoke'), new Error('boom'));
    expect(sent).toEqual([i18n.t('en-GB', 'common.unexpectedError'), { type: 'invokeResponse', value: { status: 200 } }]);
  });
});
