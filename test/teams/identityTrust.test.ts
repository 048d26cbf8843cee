// With Bot Framework authentication on, only Teams activities with an AAD object id are trusted: another
// channel of the same bot registration could otherwise name any user (a help-desk member included).
import { TestAdapter } from 'botbuilder';
import { createTeamsHarness, allText } from './teamsHarness';

describe('who may talk to Signet when authentication is on', () => {
  it('when an activity comes from a channel other than Teams, then it is refused and no user is created', async () => {
    const h = await createTeamsHarness({ authEnabled: true });
    const said = await h.chat('en-US', 'agent.one@signet-demo.example').say('set up MFA');
    expect(allText(said)).toContain(h.i18n.t('en-US', 'common.tenantNotAllowed'));
    expect(await h.core.stores.users.get('agent.one@signet-demo.example')).toBeNull();
  });

  it('when a Teams activity carries an AAD object id, then that id is the person', async () => {
    const h = await createTeamsHarness({ authEnabled: true });
    // TestAdapter's template wins over the activity's own fields, so the Teams shape goes in the template.
    const adapter = new TestAdapter((context) => h.bot.run(context), { locale: 'en-US', channelId: 'msteams', from: { id: '29:teams-user', name: 'Jane', aadObjectId: 'aad-jane' } });
    await adapter.receiveActivity({ type: 'message', text: 'hi' });
    expect(await h.core.stores.users.get('aad-jane')).not.toBeNull();
    expect(await h.core.stores.users.get('29:teams-user')).toBeNull();
  });
});
