// Renders card JSON with Microsoft's `adaptivecards` renderer in Debian's Chromium at phone width, as Teams would,
// and reports what a person would miss: actions the renderer dropped or flagged (too many), buttons or text cut at
// the right edge (ellipsis or past the card), choice lists not shown. "More options" cards are opened and checked too.
import { existsSync, readFileSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CARD_WIDTH_PX, TEAMS_LIKE_HOST_CONFIG } from './teamsHostConfig';

const CHROMIUM = process.env['SIGNET_CHROMIUM'] ?? '/usr/bin/chromium';
const RENDERER_JS = readFileSync(require.resolve('adaptivecards/dist/adaptivecards.min.js'), 'utf8');
const RENDERER_CSS = readFileSync(require.resolve('adaptivecards/dist/adaptivecards.css'), 'utf8');

export interface RenderReport {
  readonly problems: string[];
  /** Buttons the renderer drew (after opening every "More options"). */
  readonly buttons: number;
}

/** Action.* objects a card declares, its own and those of every ActionSet and shown card inside. */
export function declaredActions(card: unknown): number {
  let count = 0;
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node !== null && typeof node === 'object') {
      const o = node as Record<string, unknown>;
      if (typeof o['type'] === 'string' && o['type'].startsWith('Action.')) count++;
      for (const [k, v] of Object.entries(o)) if (k !== 'data') walk(v);
    }
  };
  walk(card);
  return count;
}

// Runs in the page (a string: this Node project does not compile against the DOM types).
const RENDER_IN_PAGE = `async (card) => {
  const host = document.getElementById('host');
  host.innerHTML = '';
  const problems = [];
  const ac = new AdaptiveCards.AdaptiveCard();
  ac.hostConfig = new AdaptiveCards.HostConfig(window.hostConfig);
  const parseContext = new AdaptiveCards.SerializationContext();
  ac.parse(card, parseContext);
  for (let i = 0; i < parseContext.eventCount; i++) problems.push('parse: ' + parseContext.getEventAt(i).message);
  const validation = ac.validateProperties();
  for (const e of validation.validationEvents) problems.push('renderer: ' + e.message);
  const el = ac.render();
  if (!el) return { problems: [...problems, 'nothing rendered'], buttons: 0 };
  host.appendChild(el);
  // Open every "More options" so the buttons behind it are drawn and measured too.
  for (let round = 0; round < 5; round++) {
    const closed = [...host.querySelectorAll('button.expandable:not(.expanded)')];
    if (closed.length === 0) break;
    closed.forEach((b) => b.click());
  }
  await new Promise((r) => requestAnimationFrame(() => r()));
  const right = host.getBoundingClientRect().right + 0.5;
  const name = (e) => (e.textContent || e.getAttribute('aria-label') || e.tagName).trim().slice(0, 60);
  const buttons = [...host.querySelectorAll('button.ac-pushButton')];
  for (const b of buttons) {
    const text = b.querySelector('div') || b;
    if (b.getBoundingClientRect().right > right) problems.push('button past the right edge: "' + name(b) + '"');
    else if (b.scrollWidth > b.clientWidth + 1 || text.scrollWidth > text.clientWidth + 1) problems.push('button title cut: "' + name(b) + '"');
  }
  for (const t of host.querySelectorAll('.ac-textBlock, label, .ac-input')) {
    if (t.getBoundingClientRect().right > right) problems.push('past the right edge: "' + name(t) + '"');
    else if (t.classList.contains('ac-textBlock') && t.scrollWidth > t.clientWidth + 1) problems.push('text cut: "' + name(t) + '"');
  }
  const walk = (node, visit) => { if (Array.isArray(node)) node.forEach((n) => walk(n, visit)); else if (node && typeof node === 'object') { visit(node); Object.entries(node).forEach(([k, v]) => k !== 'data' && walk(v, visit)); } };
  walk(card, (n) => {
    if (n.type !== 'Input.ChoiceSet') return;
    const expected = n.choices.length;
    const box = document.getElementById(n.id);
    const radios = box ? box.querySelectorAll('input[type=radio], input[type=checkbox]').length : 0;
    const select = box ? box.querySelector('select') : null;
    const shown = radios > 0 ? radios : select ? [...select.options].filter((o) => o.value !== '').length : 0;
    if (shown !== expected) problems.push('choice set "' + n.id + '" shows ' + shown + ' of ' + expected + ' choices');
  });
  return { problems, buttons: buttons.length };
}`;

export class CardRenderer {
  private constructor(
    private readonly browser: Browser,
    private readonly page: Page,
  ) {}

  static async start(): Promise<CardRenderer> {
    if (!existsSync(CHROMIUM)) throw new Error(`No Chromium at ${CHROMIUM}: install it with \`apt-get install -y chromium\` (or set SIGNET_CHROMIUM to its path).`);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
    const page = await browser.newPage({ viewport: { width: CARD_WIDTH_PX + 40, height: 800 } });
    await page.setContent(`<!doctype html><html><head><style>${RENDERER_CSS} body{margin:0;padding:20px} #host{width:${CARD_WIDTH_PX}px;overflow:hidden}</style></head><body><div id="host"></div></body></html>`);
    await page.addScriptTag({ content: RENDERER_JS });
    await page.evaluate(`window.hostConfig = ${JSON.stringify(TEAMS_LIKE_HOST_CONFIG)}`);
    return new CardRenderer(browser, page);
  }

  async render(card: unknown): Promise<RenderReport> {
    const report = (await this.page.evaluate(`(${RENDER_IN_PAGE})(${JSON.stringify(card)})`)) as RenderReport;
    const declared = declaredActions(card);
    const problems = [...report.problems];
    // Every declared action is a button once "More options" are open; fewer means the renderer dropped some.
    if (report.buttons < declared) problems.push(`${declared - report.buttons} of ${declared} actions not shown`);
    return { problems, buttons: report.buttons };
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}
