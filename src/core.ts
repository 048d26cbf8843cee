// Builds the channel-agnostic core (enrollment and verification services) from configuration and ports.
// The composition root and the tests call this; channels receive the services it returns.
import type { AppConfig } from './config/loadConfig';
import { codePolicyFrom, createSecretOps, enrollmentPolicyFrom } from './enrollment/enrollmentPolicy';
import { EffectRunner } from './serviceKit/effectRunner';
import { EnrollmentService } from './enrollment/enrollmentService';
import { VerificationService } from './verification/verificationService';
import type { Mailer, ReplyRenderer, Telephony, UserNotifier } from './ports/deliveryPorts';
import type { Stores } from './ports/repositories';
import type { Challenge } from './domain/challenge';
import type { ExternalMethodRegistry } from './ports/externalMethodRegistry';
import { cryptoRandom, type RandomSource } from './security/random';
import { systemClock, type Clock } from './ports/clock';

export interface CoreDeps {
  readonly config: Pick<AppConfig, 'org' | 'encryptionKey'>;
  readonly stores: Stores;
  readonly telephony: Telephony;
  readonly mailer: Mailer;
  readonly notifier: UserNotifier;
  readonly render: ReplyRenderer;
  readonly clock?: Clock;
  readonly random?: RandomSource;
  /** Told when a provider throws; must not log message bodies. */
  readonly onEffectError?: (effect: string, error: unknown) => void;
  /** Told when a sign-in challenge ends (e.g. to deliver the relying system's callback). */
  readonly onChallengeEnded?: (challenge: Challenge) => void;
  /** Awaited before a challenge's ending is saved (stores its callback job durably; see VerificationService). */
  readonly beforeChallengeEnds?: (ending: Challenge) => Promise<void>;
  /** Asked to register Entra's External MFA method once a person's registration meets the policy (optional). */
  readonly externalMethods?: ExternalMethodRegistry;
}

export interface Core {
  readonly enrollment: EnrollmentService;
  readonly verification: VerificationService;
  readonly effects: EffectRunner;
}

export function createCore(deps: CoreDeps): Core {
  const clock = deps.clock ?? systemClock;
  const random = deps.random ?? cryptoRandom;
  const { org } = deps.config;
  const secrets = createSecretOps(deps.config.encryptionKey, random);
  const effects = new EffectRunner({
    telephony: deps.telephony,
    mailer: deps.mailer,
    notifier: deps.notifier,
    audit: deps.stores.audit,
    render: deps.render,
    clock,
    ...(deps.onEffectError ? { onError: deps.onEffectError } : {}),
    ...(deps.externalMethods ? { externalMethods: deps.externalMethods } : {}),
  });
  const policy = enrollmentPolicyFrom(org);
  return {
    effects,
    enrollment: new EnrollmentService({ stores: deps.stores, clock, random, policy, secrets, effects }),
    verification: new VerificationService({
      stores: deps.stores,
      clock,
      random,
      codes: codePolicyFrom(org),
      secrets,
      organisationName: org.organisation.name,
      voiceMode: org.voice.enrollmentMode,
      effects,
      ...(deps.onChallengeEnded ? { onEnded: deps.onChallengeEnded } : {}),
      ...(deps.beforeChallengeEnds ? { beforeEnd: deps.beforeChallengeEnds } : {}),
    }),
  };
}
