// The guides' usage table as a card: each offered method and whether it signs you in (MFA) and resets a password,
// from the organisation's usage matrix, as an Adaptive Cards 1.5 Table (a line per method in the text version).
import type { OrgConfig } from '../../src/config/orgConfigSchema';
import type { CardElement, CardSpec } from './adaptiveCards';
import { textBlock } from './adaptiveCards';

type Translate = (key: string) => string;

const cell = (text: string, bold = false): CardElement => ({ type: 'TableCell', items: [textBlock(text, bold ? { weight: 'Bolder' } : {})] });

/** The card answering "which methods sign me in and which reset my password?": `texts` above, the table below. */
export function methodUsageCard(org: OrgConfig, t: Translate, texts: readonly string[]): CardSpec {
  const prefix = 'faq.methodUsage.table.';
  const yesNo = (on: boolean): string => t(`${prefix}${on ? 'yes' : 'no'}`);
  const rows = org.methods.offered.map((kind) => {
    const usage = org.methods.usage[kind];
    return { name: t(`teams.methodLabels.${kind}`), signIn: yesNo(usage.mfa), reset: yesNo(usage.passwordReset) };
  });
  const header = [t(`${prefix}method`), t(`${prefix}signIn`), t(`${prefix}passwordReset`)];
  const table: CardElement = {
    type: 'Table',
    firstRowAsHeader: true,
    columns: [{ width: 2 }, { width: 1 }, { width: 1 }],
    rows: [
      { type: 'TableRow', cells: header.map((h) => cell(h, true)) },
      ...rows.map((r) => ({ type: 'TableRow', cells: [cell(r.name), cell(r.signIn), cell(r.reset)] })),
    ],
  };
  return {
    texts,
    body: [table],
    fallbackExtra: rows.map((r) => `${r.name}: ${header[1]} ${r.signIn}, ${header[2]} ${r.reset}`),
    choices: [],
  };
}
