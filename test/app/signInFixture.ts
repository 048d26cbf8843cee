// A sign-in world for the API use-case tests: memory stores, the real core on a fixed clock, outboxes for texts,
// and a record of which verification stores were read (to show what a use case skips).
import { createCore, type Core } from '../../src/core';
import type { ApiClient } from '../../src/domain/apiClient';
import type { SecurityMethod } from '../../src/domain/user';
import { FixedClock } from '../../src/ports/clock';
import type { Stores } from '../../src/ports/repositories';
import type { VerificationStores } from '../../src/ports/verificationRepositories';
import { seededRandom } from '../../src/security/random';
import { createMemoryStores } from '../../src/stores/memoryStores';
import { createMemoryVerificationStores } from '../../src/stores/memoryVerificationStores';
import { NotificationOutbox, Outbox } from '../../src/telephony/outboxes';
import { abusePolicyFrom } from '../../src/verification/abusePolicy';
import { keyRenderer, PROFILE, T0, TEST_KEY, testOrg } from '../support/coreHarness';

export const PHONE = '+14255550123';
export const MOBILE: SecurityMethod = { kind: 'mobilePhone', id: 'm1', number: PHONE, createdAt: T0 };
export const PORTAL: ApiClient = { id: 'portal000001', name: 'Portal', secretHash: '', createdAt: T0, revokedAt: null };
export const OTHER_CLIENT: ApiClient = { ...PORTAL, id: 'vpn000000001', name: 'VPN' };

export interface SignInWorld {
  readonly stores: Stores;
  readonly verificationStores: VerificationStores;
  readonly core: Core;
  readonly clock: FixedClock;
  readonly outbox: Outbox;
  readonly org: ReturnType<typeof testOrg>;
  readonly abuse: ReturnType<typeof abusePolicyFrom>;
  /** Each verification-store read, as "passes.getForUser" or "unlocks.lastUnlock". */
  readonly reads: string[];
}

export async function signInWorld(methods: SecurityMethod[] = [MOBILE]): Promise<SignInWorld> {
  const stores = createMemoryStores();
  const inner = createMemoryVerificationStores();
  const reads: string[] = [];
  const verificationStores: VerificationStores = {
    apiClients: inner.apiClients,
    passes: {
      put: (pass) => inner.passes.put(pass),
      getForUser: (userId) => (reads.push('passes.getForUser'), inner.passes.getForUser(userId)),
      markUsed: (userId, passId, now) => inner.passes.markUsed(userId, passId, now),
      revoke: (userId, now) => inner.passes.revoke(userId, now),
    },
    unlocks: {
      unlock: (userId, by, now) => inner.unlocks.unlock(userId, by, now),
      lastUnlock: (userId) => (reads.push('unlocks.lastUnlock'), inner.unlocks.lastUnlock(userId)),
    },
  };
  const clock = new FixedClock(T0);
  const outbox = new Outbox();
  const org = testOrg();
  const core = createCore({
    config: { org, encryptionKey: TEST_KEY },
    stores,
    telephony: outbox,
    mailer: outbox,
    notifier: new NotificationOutbox(),
    render: keyRenderer,
    clock,
    random: seededRandom('sign-in'),
  });
  const user = await stores.users.create(PROFILE, T0);
  await stores.users.replace({ ...user, methods, defaultMethodId: methods[0]?.id ?? null });
  return { stores, verificationStores, core, clock, outbox, org, abuse: abusePolicyFrom(org.verification), reads };
}

/** The code in the last text (keyRenderer writes the message key and its parameters). */
export function lastTextedCode(outbox: Outbox): string {
  const sent = outbox.last();
  return /"code":"(\d+)"/.exec(sent?.type === 'sms' ? sent.body : '')?.[1] ?? 'none';
}
