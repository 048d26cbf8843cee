// The phone methods' own step: the number typed (checked, the extension for an office phone, no duplicate), then
// a code texted or a call placed through the code steps.
import { phoneDeliveries } from '../../domain/enrollmentRecord';
import { reply, type Reply } from '../../domain/effects';
import type { User } from '../../domain/user';
import type { PhoneKind } from '../../domain/methodKinds';
import { checkPhone, parseExtension } from '../../domain/rules/phoneNumbers';
import type { Enrollment, EnrollmentEvent, EnrollmentStep, PhoneDelivery } from '../enrollmentTypes';
import { sendChallenge } from './codeSteps';
import { lockedReply, type At, type EnrollmentContext, type Result } from './stepKit';

export function phonePrompt(kind: PhoneKind, ctx: EnrollmentContext): Reply {
  return kind === 'officePhone'
    ? reply('enrollment.officePhone.askNumber', { countryRegion: ctx.policy.phone.defaultCountry })
    : reply('enrollment.phone.askNumber', { countryRegion: ctx.policy.phone.defaultCountry });
}

export function submitPhone(
  user: User,
  enrollment: Enrollment,
  kind: PhoneKind,
  event: Extract<EnrollmentEvent, { type: 'submitPhone' }>,
  ctx: EnrollmentContext,
  at: At,
): Result {
  const stay: EnrollmentStep = { name: 'enteringPhone', kind };
  // An office phone is called, never texted: the guides' desk phones cannot receive texts.
  const allowed = phoneDeliveries(kind);
  const delivery: PhoneDelivery = allowed.includes(event.delivery) ? event.delivery : allowed[0]!;
  const checked = checkPhone(event.number, ctx.policy.phone, { sms: delivery === 'sms' });
  if (!checked.ok) {
    const problem =
      checked.problem === 'blocked'
        ? reply('validation.phone.blocked', { reasonKey: `validation.phone.blockedReason.${checked.reason}` })
        : checked.problem === 'countryNotAllowed'
          ? countryRefusal(checked.country, ctx.policy.phone.allowedCountries)
          : reply(`validation.phone.${checked.problem}`, { countryRegion: ctx.policy.phone.defaultCountry });
    return at(stay, [problem]);
  }
  const extension = kind === 'officePhone' ? parseExtension(event.extension) : ({ ok: true, extension: null } as const);
  if (!extension.ok) return at(stay, [reply('validation.phone.extensionInvalid')]);
  const { phone } = checked;
  const replaced = user.methods.find((m) => m.id === enrollment.replacesMethodId);
  if (replaced && 'number' in replaced && replaced.number === phone.e164) return at(stay, [reply('validation.phone.sameAsCurrent')]);
  const clash = user.methods.find((m) => m.id !== enrollment.replacesMethodId && 'number' in m && m.number === phone.e164);
  if (clash) return at(stay, [reply('validation.phone.alreadyRegistered', { methodKey: `methods.${clash.kind}` })]);
  if (user.lockedUntil !== null && ctx.now < user.lockedUntil) return at(stay, [lockedReply(user.lockedUntil, ctx.now)]);
  return sendChallenge(user, enrollment, kind, { type: 'phone', number: phone.e164, extension: extension.extension }, delivery, 0, ctx, at);
}

/** Names the countries allowed and, when the number has one, the country it was read as. */
function countryRefusal(detected: string | null, allowed: readonly string[]): Reply {
  const allowedRegions = allowed.join(',');
  return detected === null
    ? reply('validation.phone.countryNotAllowedNoCountry', { allowedRegions })
    : reply('validation.phone.countryNotAllowed', { detectedRegion: detected, allowedRegions });
}
