// A fully wired core for tests: demo organisation policy, memory stores (or any given), a fixed clock, a
// seeded random source, and outboxes standing in for texts, calls, mail and Teams notifications.
import { orgConfigSchema, DEMO_ORG_CONFIG, type OrgConfigInput } from '../../src/config/orgConfigSchema';
import { createSecretOps, enrollmentPolicyFrom, type EnrollmentPolicy } from '../../src/enrollment/enrollmentPolicy';
import { createCore } from '../../src/core';
import { EnrollmentService } from '../../src/enrollment/enrollmentService';
import type { EnrollmentContext } from '../../src/enrollment/enrollmentMachine';
import type { NewUser, User } from '../../src/domain/user';
import type { Reply } from '../../src/domain/effects';
import { createMemoryStores } from '../../src/stores/memoryStores';
import type { Stores } from '../../src/ports/repositories';
import { NotificationOutbox, Outbox } from '../../src/telephony/outboxes';
import { seededRandom } from '../../src/security/random';
import { FixedClock } from '../../src/ports/clock';

export const TEST_KEY = Buffer.alloc(32, 7);
export const T0 = Date.UTC(2026, 10, 23, 9, 0, 0);

/** Renders a reply as its key and JSON params, so tests can read codes out of texts without i18n. */
export const keyRenderer = (_locale: string, r: Reply): string => `${r.key} ${JSON.stringify(r.params ?? {})}`;

export function testOrg(overrides: Partial<OrgConfigInput> = {}) {
  return orgConfigSchema.parse({ ...DEMO_ORG_CONFIG, ...overrides });
}

export function testPolicy(overrides: Partial<OrgConfigInput> = {}): EnrollmentPolicy {
  return enrollmentPolicyFrom(testOrg(overrides));
}

export function machineContext(overrides: Partial<EnrollmentContext> = {}, seed = 'machine'): EnrollmentContext {
  const random = seededRandom(seed);
  return {
    now: T0,
    random,
    policy: testPolicy(),
    secrets: createSecretOps(TEST_KEY, random),
    channel: 'teams',
    ...overrides,
  };
}

export function newUser(overrides: Partial<User> = {}): User {
  return {
    id: 'aad-1',
    tenantId: null,
    upn: 'jane.doe@signet-demo.example',
    displayName: 'Jane Doe',
    locale: 'en-US',
    methods: [],
    defaultMethodId: null,
    enrollment: null,
    lockedUntil: null,
    createdAt: T0,
    updatedAt: T0,
    version: 1,
    ...overrides,
  };
}

export const PROFILE: NewUser = { id: 'aad-1', tenantId: null, upn: 'jane.doe@signet-demo.example', displayName: 'Jane Doe', locale: 'en-US' };

export interface CoreHarness {
  readonly stores: Stores;
  readonly clock: FixedClock;
  readonly outbox: Outbox;
  readonly notifications: NotificationOutbox;
  readonly enrollment: EnrollmentService;
  readonly policy: EnrollmentPolicy;
  /** The code in the last text, email or call placed. */
  lastCode(): string;
}

export function createCoreHarness(options: { stores?: Stores; org?: Partial<OrgConfigInput>; seed?: string } = {}): CoreHarness {
  const stores = options.stores ?? createMemoryStores();
  const clock = new FixedClock(T0);
  const random = seededRandom(options.seed ?? 'harness');
  const outbox = new Outbox();
  const notifications = new NotificationOutbox();
  const policy = testPolicy(options.org);
  // The production core (src/core.ts) with test stand-ins for every port.
  const { enrollment } = createCore({
    config: { org: testOrg(options.org), encryptionKey: TEST_KEY },
    stores,
    telephony: outbox,
    mailer: outbox,
    notifier: notifications,
    render: keyRenderer,
    clock,
    random,
  });
  return {
    stores,
    clock,
    outbox,
    notifications,
    enrollment,
    policy,
    lastCode() {
      const item = outbox.last();
      const text = item?.type === 'sms' ? item.body : item?.type === 'mail' ? item.text : '';
      const match = /"code":"(\d+)"/.exec(text);
      if (!match) throw new Error('no code in the outbox');
      return match[1]!;
    },
  };
}

export const keys = (replies: readonly Reply[]): string[] => replies.map((r) => r.key);
