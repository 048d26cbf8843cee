// The help dialog on its own (botbuilder-testing DialogTestClient): help for where the person is, the FAQ list,
// and FAQ answers with the configured help-desk contact; plus the typed-choice matcher the dialogs rely on.
import { DialogTestClient } from 'botbuilder-testing';
import type { Middleware, TurnContext } from 'botbuilder';
import { HelpDialog } from '../../dialogs/helpDialog';
import type { DialogServices } from '../../dialogs/kit/dialogServices';
import { setTurnUser } from '../../dialogs/kit/turnUser';
import { matchOption } from '../../dialogs/typed/choiceMatcher';
import { registrationProgressOf } from '../../src/app/registrationProgress';
import { registrationPolicyFrom } from '../../src/enrollment/enrollmentPolicy';
import { createCoreHarness, testOrg } from '../support/coreHarness';
import { testI18n } from './teamsHarness';
import { createNlu } from '../../src/nlu/understand';

async function services(): Promise<DialogServices> {
  const org = testOrg();
  // The help dialog never asks the NLU (it answers what was recognised); created untrained.
  const nlu = createNlu({ locales: org.locales.offered, fallback: org.locales.default, defaultCountry: org.phone.defaultCountry });
  return { enrollment: createCoreHarness().enrollment, i18n: await testI18n(), org, progress: registrationProgressOf(registrationPolicyFrom(org)), nlu };
}

const asUser = (locale: string): Middleware => ({
  onTurn: async (context: TurnContext, next: () => Promise<void>) => {
    setTurnUser(context, { id: 'u1', locale, profile: { id: 'u1', tenantId: null, upn: 'u1@signet-demo.example', displayName: 'U', locale } });
    await next();
  },
});

describe.each(['en-US', 'en-GB'])('help dialog, %s', (locale) => {
  it('when help is asked at the phone step, then that step is explained and the FAQ is offered', async () => {
    const s = await services();
    const client = new DialogTestClient('msteams', new HelpDialog(s), { topicKey: 'help.steps.enteringPhone' }, [asUser(locale)]);
    const reply = await client.sendActivity('help');
    const card = reply.attachments![0]!.content as { fallbackText: string; body: Array<{ type: string; choices?: Array<{ title: string }> }> };
    expect(card.fallbackText).toContain(s.i18n.t(locale, 'help.steps.enteringPhone'));
    // The questions as a list to pick from (five long ones side by side would be cut at phone width).
    const list = card.body.find((e) => e.type === 'Input.ChoiceSet');
    expect(list?.choices?.map((c) => c.title)).toContain(s.i18n.t(locale, 'faq.howOften.question'));
    expect(client.dialogTurnResult.status).toBe('complete');
  });

  it.each([
    ['leftPhoneAtHome', true],
    ['noMobilePhone', true],
    ['lostPhone', true],
    ['noSignal', false],
    ['howOften', false],
  ] as const)('when the FAQ %s is asked, then its answer is given (help desk: %s)', async (faqId, withDesk) => {
    const s = await services();
    const client = new DialogTestClient('msteams', new HelpDialog(s), { faqId }, [asUser(locale)]);
    const reply = await client.sendActivity('?');
    expect(reply.text).toContain(s.i18n.t(locale, `faq.${faqId}.answer`));
    expect(reply.text!.includes(s.i18n.t(locale, 'common.helpDesk.phone', { phone: '+1 555 0100' }))).toBe(withDesk);
  });
});

describe('typed choices', () => {
  const options = [
    { id: 'app', label: 'Authenticator app', synonyms: ['app'] },
    { id: 'mobile', label: 'Mobile phone', synonyms: ['mobile'] },
    { id: 'office', label: 'Office phone' },
  ];
  it.each([
    ['2', 'mobile'],
    ['authenticator app', 'app'],
    ['Authenticater app', 'app'],
    ['MOBILE', 'mobile'],
    ['office', 'office'],
    ['phone', undefined],
    ['9', undefined],
    ['pizza', undefined],
  ])('when "%s" is typed, then the option is %s', (typed, expected) => {
    expect(matchOption(typed, options)?.id).toBe(expected);
  });
});
