// The renderer walk: every card of every Teams journey (en-US, en-GB, es-US) checked against the Adaptive Cards 1.5
// schema and rendered by Microsoft's renderer in Chromium at 360 px with a Teams-like host config: no card offers
// more than Teams shows, no action is dropped, nothing is cut at the right edge, every choice list is shown.
import { cardSchemaValidator } from './cardSchema';
import { CardRenderer } from './cardRendering';
import { JOURNEYS, WALK_LOCALES, walkJourney } from './cardJourneys';
import { TEAMS_MAX_ACTIONS } from './teamsHostConfig';

/** Actions in view at once: the card's own and its ActionSets' (a "More options" card opens its own set). */
function actionsInView(card: Record<string, unknown>): number {
  const own = Array.isArray(card['actions']) ? card['actions'].length : 0;
  const sets = Array.isArray(card['body']) ? (card['body'] as Array<Record<string, unknown>>).filter((e) => e['type'] === 'ActionSet').reduce((n, e) => n + (e['actions'] as unknown[]).length, 0) : 0;
  return own + sets;
}

function shownCards(card: Record<string, unknown>): Array<Record<string, unknown>> {
  const out = [card];
  const all = [...((card['actions'] as unknown[]) ?? []), ...((card['body'] as Array<Record<string, unknown>>) ?? []).flatMap((e) => (e['type'] === 'ActionSet' ? (e['actions'] as unknown[]) : []))];
  for (const a of all as Array<Record<string, unknown>>) if (a['type'] === 'Action.ShowCard') out.push(...shownCards(a['card'] as Record<string, unknown>));
  return out;
}

let renderer: CardRenderer;
const validate = cardSchemaValidator();
const counts: string[] = [];

beforeAll(async () => {
  renderer = await CardRenderer.start();
}, 60_000);

afterAll(async () => {
  await renderer?.close();
  // eslint-disable-next-line no-console
  console.log(`Cards rendered per journey (360 px):\n${counts.join('\n')}`);
});

describe('the walk finds what Teams would lose', () => {
  it('when a card is made the old way (six long buttons side by side, a choice list), then the dropped and cut buttons are reported and the list is seen', async () => {
    const titles = ['I want to set up a different method', 'Send a new code', 'Call me instead', 'Change number', 'Cancel', 'Sixth'];
    const card = {
      type: 'AdaptiveCard',
      version: '1.5',
      body: [{ type: 'Input.ChoiceSet', id: 'q1', label: 'Question 1', style: 'compact', isRequired: true, errorMessage: 'Pick one', choices: [{ title: 'a', value: 'a' }, { title: 'b', value: 'b' }] }],
      actions: titles.map((title) => ({ type: 'Action.Submit', title, data: {} })),
    };
    const { problems } = await renderer.render(card);
    expect(problems).toContain('1 of 6 actions not shown');
    expect(problems).toContain('button title cut: "I want to set up a different method"');
    expect(problems.some((p) => p.startsWith('choice set'))).toBe(false);
    expect(validate(card)).toEqual([]);
    expect(validate({ ...card, body: [{ type: 'TextBlock', txt: 'typo' }] }).length).toBeGreaterThan(0);
  });
});

describe.each(WALK_LOCALES)('every card fits Teams (%s)', (locale) => {
  it.each(Object.keys(JOURNEYS))('%s', async (journey) => {
    const cards = await walkJourney(journey, locale);
    expect(cards.length).toBeGreaterThan(0);
    const findings: string[] = [];
    for (const [i, card] of cards.entries()) {
      const where = `card ${i + 1}`;
      for (const problem of validate(card)) findings.push(`${where}: schema ${problem}`);
      for (const shown of shownCards(card as Record<string, unknown>)) {
        const n = actionsInView(shown);
        if (n > TEAMS_MAX_ACTIONS) findings.push(`${where}: ${n} actions in view (Teams shows ${TEAMS_MAX_ACTIONS})`);
      }
      for (const problem of (await renderer.render(card)).problems) findings.push(`${where}: ${problem}`);
    }
    counts.push(`${locale} ${journey}: ${cards.length}`);
    expect(findings).toEqual([]);
  }, 60_000);
});
