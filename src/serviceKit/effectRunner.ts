// Carries out the machines' effects through the delivery ports and the audit log. A provider that throws is
// turned into a delivery failure, so the person hears "we couldn't send it" rather than nothing.
import type { Effect } from '../domain/effects';
import type { DeliveryReceipt, Mailer, ReplyRenderer, SendPermit, Telephony, UserNotifier } from '../ports/deliveryPorts';
import type { AuditLog } from '../ports/repositories';
import type { ExternalMethodRegistry } from '../ports/externalMethodRegistry';
import type { Clock } from '../ports/clock';

export interface EffectRunnerDeps {
  readonly telephony: Telephony;
  readonly mailer: Mailer;
  readonly notifier: UserNotifier;
  readonly audit: AuditLog;
  readonly render: ReplyRenderer;
  readonly clock: Clock;
  readonly onError?: (effect: Effect['type'], error: unknown) => void;
  /** Told when a person's registration meets the policy (Entra External MFA registration); none: nothing to do. */
  readonly externalMethods?: ExternalMethodRegistry;
}

export class EffectRunner {
  constructor(private readonly deps: EffectRunnerDeps) {}

  /**
   * Runs one effect; for a text, call or mail returns the provider's receipt so the machine can learn of it.
   * `permit`: the text's or call's sending rules, checked ahead by the caller (passed on to the telephony).
   */
  async run(effect: Effect, _locale: string, permit?: SendPermit): Promise<DeliveryReceipt | null> {
    const { deps } = this;
    try {
      switch (effect.type) {
        case 'sendSms':
          return await deps.telephony.sendSms({ to: effect.to, body: deps.render(effect.locale, effect.message), locale: effect.locale, purpose: effect.purpose, ...(permit ? { permit } : {}) });
        case 'placeCall':
          return await deps.telephony.placeCall({ to: effect.to, extension: effect.extension, mode: effect.mode, locale: effect.locale, purpose: effect.purpose, ...(permit ? { permit } : {}) });
        case 'sendEmail':
          return await deps.mailer.sendMail({
            to: effect.to,
            subject: deps.render(effect.locale, effect.subject),
            text: deps.render(effect.locale, effect.body),
            locale: effect.locale,
            purpose: effect.purpose,
          });
        case 'notifyUser':
          await deps.notifier.notify(effect.userId, effect.channel, effect.message);
          return null;
        case 'audit':
          await deps.audit.append(effect.entry, deps.clock.now());
          return null;
        case 'registrationMet':
          // Only a person Entra knows (a tenant); the registry decides whether it serves them.
          if (deps.externalMethods && effect.tenantId !== null) await deps.externalMethods.ensureRegistered({ objectId: effect.userId, tenantId: effect.tenantId });
          return null;
      }
    } catch (error) {
      deps.onError?.(effect.type, error);
      return effect.type === 'sendSms' || effect.type === 'placeCall' || effect.type === 'sendEmail' ? { ok: false, failure: 'unavailable' } : null;
    }
  }
}
