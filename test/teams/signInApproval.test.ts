// The Teams sign-in approval card through the real bot: the card built from the machine's request, number
// matching by button or by typing, deny, a late click, someone else's challenge, mid-enrollment, and a race.
import { reply, type Reply } from '../../src/domain/effects';
import { createReplyRenderer } from '../../src/renderReply';
import { signInRequestActivity } from '../../src/channels/teams/signInRequestCard';
import type { Challenge } from '../../src/domain/challenge';
import { actions, allText, createTeamsHarness, submit, toSaid, type Said, type TeamsHarness } from './teamsHarness';

const LOCALES = ['en-US', 'en-GB'] as const;

async function startChallenge(h: TeamsHarness, userId: string, location: string | null = 'Leeds'): Promise<{ challenge: Challenge; request: Reply }> {
  const challenge = await h.verification.start(
    { userId, clientId: null, method: 'teams', target: null, extension: null, context: { ip: '203.0.113.9', application: 'Staff portal', location }, locale: 'en-US' },
    'api',
  );
  const request = h.core.notifications.items.filter((n) => n.userId === userId).pop()?.message;
  if (!request) throw new Error('no Teams request was sent');
  return { challenge, request };
}

/** The card the notifier sends for the request, as the person's client would show it. */
function cardFor(h: TeamsHarness, locale: string, request: Reply): Said[] {
  const activity = signInRequestActivity(createReplyRenderer(h.i18n), locale, request);
  if (!activity) throw new Error('no card for the request');
  return [toSaid(activity)];
}

const auditActions = async (h: TeamsHarness, userId: string): Promise<string[]> =>
  (await h.core.stores.audit.listForUser(userId, 50)).map((a) => a.action).filter((a) => a.startsWith('verification:'));

describe.each(LOCALES)('Teams approval card (%s)', (locale) => {
  let h: TeamsHarness;
  beforeEach(async () => {
    h = await createTeamsHarness();
  });
  const t = (key: string, params?: Record<string, string | number>) => h.i18n.t(locale, key, params);

  it('when a Teams challenge starts, then the card asks about the application and location and offers the three numbers and deny', async () => {
    const { challenge, request } = await startChallenge(h, 'user-1');
    expect(request).toMatchObject({ key: 'verification.teams.request' });
    const [card] = cardFor(h, locale, request);
    expect(card!.card?.version).toBe('1.5');
    expect(card!.text).toContain(t('teams.signIn.titleNear', { application: 'Staff portal', location: 'Leeds' }));
    expect(card!.text).toContain(t('teams.signIn.chooseNumber'));
    expect(actions([card!]).map((a) => a.title).sort()).toEqual([...challenge.numberChoices!.map(String), t('teams.signIn.deny')].sort());
    expect(actions([card!]).every((a) => a.data['challengeId'] === challenge.id)).toBe(true);
    expect(challenge.numberChoices).toContain(challenge.numberToMatch);
  });

  it('when there is no location, then the card does not say "near"', async () => {
    const { request } = await startChallenge(h, 'user-1', null);
    const text = cardFor(h, locale, request)[0]!.text;
    expect(text).toContain(t('teams.signIn.title', { application: 'Staff portal' }));
    expect(text).not.toContain(t('teams.signIn.titleNear', { application: 'Staff portal', location: '' }).trim());
  });

  it('when the right number is chosen, then the challenge is approved', async () => {
    const chat = h.chat(locale);
    const { challenge, request } = await startChallenge(h, 'user-1');
    const said = await chat.say(submit(cardFor(h, locale, request), String(challenge.numberToMatch)));
    expect(allText(said)).toBe(t('verification.approved'));
    expect(await h.verification.get(challenge.id)).toMatchObject({ status: 'approved', reason: 'cardApproved', endedVia: 'teams' });
  });

  it('when a wrong number is chosen, then the challenge is denied with wrongNumberChosen', async () => {
    const chat = h.chat(locale);
    const { challenge, request } = await startChallenge(h, 'user-1');
    const wrong = challenge.numberChoices!.find((n) => n !== challenge.numberToMatch)!;
    const said = await chat.say(submit(cardFor(h, locale, request), String(wrong)));
    expect(allText(said)).toBe(t('verification.wrongNumber'));
    expect(await h.verification.get(challenge.id)).toMatchObject({ status: 'denied', reason: 'wrongNumberChosen' });
  });

  it('when deny is chosen, then the challenge is denied by the user; a second click changes nothing and says it ended', async () => {
    const chat = h.chat(locale);
    const { challenge, request } = await startChallenge(h, 'user-1');
    const card = cardFor(h, locale, request);
    expect(allText(await chat.say(submit(card, t('teams.signIn.deny'))))).toBe(t('verification.denied'));
    expect(await h.verification.get(challenge.id)).toMatchObject({ status: 'denied', reason: 'deniedByUser' });
    const late = await chat.say(submit(card, String(challenge.numberToMatch)));
    expect(allText(late)).toBe(t('verification.ended.denied'));
    expect(await h.verification.get(challenge.id)).toMatchObject({ status: 'denied', reason: 'deniedByUser' });
    expect(await auditActions(h, 'user-1')).toEqual(['verification:denied']);
  });

  it("when a card submit names another person's challenge, then nothing changes", async () => {
    const { challenge, request } = await startChallenge(h, 'user-2');
    const said = await h.chat(locale, 'user-1').say(submit(cardFor(h, locale, request), String(challenge.numberToMatch)));
    expect(allText(said)).toBe(t('teams.signIn.unknown'));
    expect(await h.verification.get(challenge.id)).toMatchObject({ status: 'pending' });
    expect(await auditActions(h, 'user-2')).toEqual([]);
  });

  it('when the person types the number shown instead of pressing it, then the challenge is approved', async () => {
    const chat = h.chat(locale);
    const { challenge } = await startChallenge(h, 'user-1');
    expect(allText(await chat.say(` ${challenge.numberToMatch} `))).toBe(t('verification.approved'));
    expect(await h.verification.get(challenge.id)).toMatchObject({ status: 'approved' });
  });

  it('when the person types "this wasn\'t me", then the challenge is denied', async () => {
    const chat = h.chat(locale);
    const { challenge } = await startChallenge(h, 'user-1');
    expect(allText(await chat.say("This wasn't me"))).toBe(t('verification.denied'));
    expect(await h.verification.get(challenge.id)).toMatchObject({ status: 'denied', reason: 'deniedByUser' });
  });

  it('when nothing is pending, then a typed number or "deny" goes to the menu as usual', async () => {
    const chat = h.chat(locale);
    const { challenge } = await startChallenge(h, 'user-1');
    await h.verification.apply(challenge.id, { type: 'cancel' }, 'api');
    const said = await chat.say(String(challenge.numberToMatch));
    expect(allText(said)).toContain(t('teams.menu.whatNext'));
    expect(await h.verification.get(challenge.id)).toMatchObject({ status: 'cancelled' });
  });

  it('when the card is pressed in the middle of setting up a method, then it is answered and the setup carries on', async () => {
    const chat = h.chat(locale);
    await chat.say('set up MFA');
    await chat.say('mobile phone');
    const { challenge, request } = await startChallenge(h, 'user-1');
    expect(allText(await chat.say(submit(cardFor(h, locale, request), String(challenge.numberToMatch))))).toBe(t('verification.approved'));
    const user = (await h.core.stores.users.get('user-1'))!;
    expect(user.enrollment?.step.name).toBe('enteringPhone');
    // The enrollment step is still the one that answers typed text.
    expect(allText(await chat.say('+1 425 555 0123'))).toContain(t('teams.phone.textOrCall', { phone: '+1 425 555 0123' }));
  });
});

describe('Teams approval card races', () => {
  it('when approve and deny are clicked at the same time, then exactly one outcome is recorded and the other click is told it ended', async () => {
    const h = await createTeamsHarness();
    const { challenge, request } = await startChallenge(h, 'user-1');
    const card = cardFor(h, 'en-US', request);
    const chat = h.chat('en-US');
    chat.adapter.activeQueue.splice(0);
    await Promise.all([
      chat.adapter.receiveActivity({ type: 'message', text: '', value: submit(card, String(challenge.numberToMatch)) }),
      chat.adapter.receiveActivity({ type: 'message', text: '', value: submit(card, h.i18n.t('en-US', 'teams.signIn.deny')) }),
    ]);
    const texts = chat.adapter.activeQueue.splice(0).map((a) => a.text);
    const final = (await h.verification.get(challenge.id))!;
    expect(['approved', 'denied']).toContain(final.status);
    expect(await auditActions(h, 'user-1')).toEqual([`verification:${final.status}`]);
    const outcome = final.status === 'approved' ? 'verification.approved' : 'verification.denied';
    expect(texts.sort()).toEqual([h.i18n.t('en-US', outcome), h.i18n.t('en-US', `verification.ended.${final.status}`)].sort());
  });

  it('when the request reply is not for Teams approval, then the notifier has no card for it', () => {
    expect(signInRequestActivity((_l, r) => r.key, 'en-US', reply('enrollment.verified.phone'))).toBeNull();
  });
});
