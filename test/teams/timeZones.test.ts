// Times are shown in the reader's time zone as their Teams client reports it (activity.localTimezone, or the
// clientInfo entity), UTC only when it is unknown (issue 10 finding: pass expiry times were always in UTC).
import { clientTimeZone } from '../../src/channels/teams/clientTimeZone';
import { PROFILE, T0 } from '../support/coreHarness';
import { createTeamsHarness, toSaid } from './teamsHarness';

const AGENT_ID = 'agent-1';
const ORG = { helpDesk: { phone: '+1 555 0100', members: ['agent.one@signet-demo.example'] } };
const expiry = (locale: string, timeZone: string): string =>
  new Intl.DateTimeFormat(locale, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone, timeZoneName: 'short' }).format(T0 + 60 * 60_000);

describe('times in the reader\'s time zone', () => {
  it.each([
    [{ localTimezone: 'America/Los_Angeles' }, 'America/Los_Angeles'],
    [{ entities: [{ type: 'clientInfo', locale: 'en-US', timezone: 'Europe/London' }] }, 'Europe/London'],
    [{ localTimezone: 'Not/AZone' }, 'UTC'],
    [{}, 'UTC'],
  ])('when a help-desk member\'s Teams reports %j and they issue a pass, then its expiry is shown in %s', async (fields, zone) => {
    const h = await createTeamsHarness({ org: ORG });
    await h.core.stores.users.create(PROFILE, T0);
    await h.core.stores.users.create({ id: AGENT_ID, tenantId: null, upn: 'agent.one@signet-demo.example', displayName: 'Agent One', locale: 'en-US' }, T0);
    const chat = h.chat('en-US', AGENT_ID);
    chat.adapter.activeQueue.splice(0);
    await chat.adapter.receiveActivity({ type: 'message', text: `issue passcode for ${PROFILE.upn}`, ...fields });
    const text = chat.adapter.activeQueue.splice(0).map(toSaid).map((s) => s.text).join('\n');
    expect(text).toContain(expiry('en-US', zone));
    if (zone !== 'UTC') expect(text).not.toContain(expiry('en-US', 'UTC'));
  });

  it('when the zone is in both places, then the activity\'s localTimezone wins; an over-long or unknown one is ignored', () => {
    expect(clientTimeZone({ localTimezone: 'Asia/Tokyo', entities: [{ type: 'clientInfo', timezone: 'Europe/London' }] })).toBe('Asia/Tokyo');
    expect(clientTimeZone({ localTimezone: 'x'.repeat(65) })).toBeNull();
    expect(clientTimeZone({ entities: [{ type: 'clientInfo', timezone: 42 }] })).toBeNull();
  });
});
