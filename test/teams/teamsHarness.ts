// Drives the real SignetBot (all dialogs) through botbuilder's TestAdapter on a core with a fixed clock and
// simulated delivery: `say` sends typed text or a card submit and returns the bot's replies of that turn. The
// bot also answers sign-in challenges (a verification service on the same stores) and runs help-desk commands.
import { MemoryStorage, TestAdapter, type Activity, type Storage } from 'botbuilder';
import { SignetBot } from '../../src/channels/teams/signetBot';
import { createTeamsUseCases } from '../../src/channels/teams/teamsWiring';
import { createI18n, type I18n } from '../../src/i18n';
import type { OrgConfigInput } from '../../src/config/orgConfigSchema';
import type { Stores } from '../../src/ports/repositories';
import { codePolicyFrom, createSecretOps } from '../../src/enrollment/enrollmentPolicy';
import { EffectRunner } from '../../src/serviceKit/effectRunner';
import { VerificationService } from '../../src/verification/verificationService';
import { HelpDeskService } from '../../src/helpdesk/helpDeskService';
import { createMemoryVerificationStores } from '../../src/stores/memoryVerificationStores';
import type { VerificationStores } from '../../src/ports/verificationRepositories';
import { deriveKey } from '../../src/security/derivedKeys';
import { seededRandom } from '../../src/security/random';
import { createCoreHarness, keyRenderer, TEST_KEY, testOrg, type CoreHarness } from '../support/coreHarness';
import type { PasswordResetServices } from '../../dialogs/kit/dialogServices';

export interface Said {
  readonly activity: Partial<Activity>;
  /** The activity's text and, for a card, its text fallback. */
  readonly text: string;
  readonly card: CardJson | null;
}

export interface CardJson {
  readonly fallbackText?: string;
  readonly version?: string;
  readonly body?: Array<Record<string, unknown>>;
  readonly actions?: Array<{ type: string; title: string; data: Record<string, unknown> }>;
}

export interface Chat {
  readonly adapter: TestAdapter;
  say(input: string | Record<string, unknown>): Promise<Said[]>;
}

export interface TeamsHarness {
  readonly core: CoreHarness;
  readonly i18n: I18n;
  readonly bot: SignetBot;
  readonly storage: Storage;
  readonly verification: VerificationService;
  readonly verificationStores: VerificationStores;
  readonly helpDesk: HelpDeskService;
  /** The key passes are hashed with (derived as the API derives it). */
  readonly passKey: Buffer;
  chat(locale?: string, userId?: string): Chat;
}

let i18nPromise: Promise<I18n> | undefined;
export const testI18n = (): Promise<I18n> => (i18nPromise ??= createI18n({ supported: ['en-US', 'en-GB'], fallback: 'en-US' }));

export async function createTeamsHarness(
  options: {
    stores?: Stores;
    storage?: Storage;
    org?: Partial<OrgConfigInput>;
    core?: CoreHarness;
    verificationStores?: VerificationStores;
    authEnabled?: boolean;
    i18n?: I18n;
    /** The password-reset journey's use cases, built on this harness's core and verification service. */
    passwordReset?: (parts: { core: CoreHarness; verification: VerificationService; verificationStores: VerificationStores }) => PasswordResetServices;
  } = {},
): Promise<TeamsHarness> {
  const core = options.core ?? createCoreHarness({ ...(options.stores ? { stores: options.stores } : {}), ...(options.org ? { org: options.org } : {}) });
  // An organisation offering other locales (Spanish) gets translations for exactly those.
  const offered = options.org?.locales?.offered;
  const i18n = options.i18n ?? (offered ? await createI18n({ supported: offered, fallback: options.org?.locales?.default ?? offered[0]! }) : await testI18n());
  const storage = options.storage ?? new MemoryStorage();
  const org = testOrg(options.org);
  const random = seededRandom('teams-harness');
  const effects = new EffectRunner({ telephony: core.outbox, mailer: core.outbox, notifier: core.notifications, audit: core.stores.audit, render: keyRenderer, clock: core.clock });
  const verification = new VerificationService({
    stores: core.stores,
    clock: core.clock,
    random,
    codes: codePolicyFrom(org),
    secrets: createSecretOps(TEST_KEY, random),
    organisationName: org.organisation.name,
    voiceMode: org.voice.enrollmentMode,
    effects,
  });
  const verificationStores = options.verificationStores ?? createMemoryVerificationStores();
  const passKey = deriveKey(TEST_KEY, 'temporary access passes');
  const helpDesk = new HelpDeskService({
    stores: core.stores,
    verificationStores,
    clock: core.clock,
    random,
    passKey,
    policy: core.policy.registration,
    members: org.helpDesk.members,
    defaultCountry: org.phone.defaultCountry,
  });
  const bot = new SignetBot({
    i18n,
    org,
    enrollment: core.enrollment,
    ...createTeamsUseCases({ stores: core.stores, enrollment: core.enrollment, verification, clock: core.clock }),
    storage,
    authEnabled: options.authEnabled ?? false,
    helpDesk,
    ...(options.passwordReset ? { passwordReset: options.passwordReset({ core, verification, verificationStores }) } : {}),
  });
  return {
    core,
    i18n,
    bot,
    storage,
    verification,
    verificationStores,
    helpDesk,
    passKey,
    chat(locale = 'en-US', userId = 'user-1') {
      const adapter = new TestAdapter((context) => bot.run(context), { locale, from: { id: userId, name: 'Jane Doe' } });
      return {
        adapter,
        async say(input) {
          adapter.activeQueue.splice(0);
          await adapter.receiveActivity(typeof input === 'string' ? { type: 'message', text: input } : { type: 'message', text: '', value: input });
          return adapter.activeQueue.splice(0).map(toSaid);
        },
      };
    },
  };
}

export function toSaid(activity: Partial<Activity>): Said {
  const card = (activity.attachments?.find((a) => a.contentType === 'application/vnd.microsoft.card.adaptive')?.content ?? null) as CardJson | null;
  const text = [activity.text, card?.fallbackText].filter((t): t is string => typeof t === 'string' && t !== '').join('\n');
  return { activity, text, card };
}

/** All the words of a turn, for matching. */
export const allText = (said: readonly Said[]): string => said.map((s) => s.text).join('\n');

type ActionJson = { type: string; title: string; data: Record<string, unknown>; card?: CardJson };

/** Every Action.Submit on the turn's cards, including those inside ActionSets and behind "More options". */
export function actions(said: readonly Said[]): Array<{ title: string; data: Record<string, unknown> }> {
  const out: Array<{ title: string; data: Record<string, unknown> }> = [];
  const walk = (card: CardJson): void => {
    const all = [...((card.actions ?? []) as ActionJson[]), ...(card.body ?? []).flatMap((el) => (el['type'] === 'ActionSet' ? (el['actions'] as ActionJson[]) : []))];
    for (const a of all) {
      if (a.type === 'Action.ShowCard' && a.card) walk(a.card);
      else out.push(a);
    }
  };
  for (const s of said) if (s.card) walk(s.card);
  return out;
}

/**
 * The submit data of the action with this title (last card first), or of picking the option with this title in a
 * card's choice list and pressing the button under it; throws if the turn offered neither.
 */
export function submit(said: readonly Said[], title: string, inputs: Record<string, string> = {}): Record<string, unknown> {
  const found = actions(said).filter((a) => a.title === title).pop() ?? pickedOption(said, title);
  if (!found) throw new Error(`no action or option titled "${title}" in: ${[...actions(said).map((a) => a.title), ...optionTitles(said)].join(', ')}`);
  return { ...found.data, ...inputs };
}

/** Pressing the button with this title after picking the list's option at `position` (1-based). */
export function submitPicked(said: readonly Said[], title: string, position: number): Record<string, unknown> {
  const lists = choiceSets(said);
  const option = lists[lists.length - 1]?.set.choices[position - 1];
  if (!option) throw new Error(`no option ${position} in a choice list: ${optionTitles(said).join(', ')}`);
  return submit(said, title, { [lists[lists.length - 1]!.set.id]: option.value });
}

type ChoiceSetJson = { type: string; id: string; choices: Array<{ title: string; value: string }> };
const choiceSets = (said: readonly Said[]): Array<{ set: ChoiceSetJson; next: Record<string, unknown> | undefined }> =>
  said.flatMap((s) => (s.card?.body ?? []).flatMap((el, i, body) => (el['type'] === 'Input.ChoiceSet' ? [{ set: el as unknown as ChoiceSetJson, next: body[i + 1] }] : [])));
export const optionTitles = (said: readonly Said[]): string[] => choiceSets(said).flatMap(({ set }) => set.choices.map((c) => c.title));

/** Picking an option of a choice list: the list's button (the ActionSet right under it) with the option's value. */
function pickedOption(said: readonly Said[], title: string): { data: Record<string, unknown> } | undefined {
  for (const { set, next } of choiceSets(said).reverse()) {
    const option = set.choices.find((c) => c.title === title);
    const button = next?.['type'] === 'ActionSet' ? (next['actions'] as Array<{ data: Record<string, unknown> }>)[0] : undefined;
    if (option && button) return { data: { ...button.data, [set.id]: option.value } };
  }
  return undefined;
}

/** The secret key shown under "Can't scan?" (groups of four base32 characters), spaces removed. */
export function secretShown(said: readonly Said[]): string {
  const match = /secret key ([A-Z2-7]{4}(?: [A-Z2-7]{1,4})+)/.exec(allText(said));
  if (!match) throw new Error('no secret key shown');
  return match[1]!.replace(/ /g, '');
}
