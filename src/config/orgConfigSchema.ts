// The organisation configuration file's schema: what an organisation may set, its defaults, and the checks
// that make a bad file stop the process with the key named.
import { BlockList, isIP } from 'node:net';
import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { DEFAULT_METHOD_USAGE, METHOD_KINDS, RESET_ONLY_KINDS, type MethodKind } from '../domain/methodKinds';

/** Reasons a phone number may be blocked; each is a locale key under `errors.phone.blockedReason.*`. */
export const BLOCKED_NUMBER_REASONS = ['mainLine', 'callQueue', 'sharedLine', 'emergency', 'other'] as const;
export type BlockedNumberReason = (typeof BLOCKED_NUMBER_REASONS)[number];

const countryCode = z
  .string()
  .refine((c) => isSupportedCountry(c), { message: 'must be a two-letter country code such as "US" or "GB"' })
  .transform((c) => c as CountryCode);

const domainName = z
  .string()
  .min(1)
  .transform((d) => d.trim().toLowerCase().replace(/^@/, ''))
  .refine((d) => /^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(d), {
    message: 'must be a domain name such as "contoso.edu"',
  });

export const cidr = z.string().refine(
  (value) => {
    const [address, prefix, ...rest] = value.split('/');
    if (rest.length > 0 || address === undefined || prefix === undefined || !/^\d{1,3}$/.test(prefix)) return false;
    const family = isIP(address);
    const bits = Number(prefix);
    return (family === 4 && bits <= 32) || (family === 6 && bits <= 128);
  },
  { message: 'must be a network in CIDR form such as "10.0.0.0/8" or "2001:db8::/32"' },
);

const methodKind = z.enum(METHOD_KINDS);

const resetMethodCount = z.union([z.literal(1), z.literal(2)]);

const usageMatrix = z
  .object(
    Object.fromEntries(
      METHOD_KINDS.map((k) => [
        k,
        z.object({ mfa: z.boolean(), passwordReset: z.boolean() }).strict().default(DEFAULT_METHOD_USAGE[k]),
      ]),
    ) as Record<MethodKind, z.ZodDefault<z.ZodObject<{ mfa: z.ZodBoolean; passwordReset: z.ZodBoolean }>>>,
  )
  .strict()
  .default({})
  .superRefine((usage, ctx) => {
    for (const kind of RESET_ONLY_KINDS) {
      if (usage[kind].mfa) {
        ctx.addIssue({ code: 'custom', path: [kind, 'mfa'], message: `${kind} is for password reset only and cannot count for MFA` });
      }
    }
  });

export const orgConfigSchema = z
  .object({
    organisation: z
      .object({
        name: z.string().trim().min(1).max(64),
        domains: z.array(domainName).min(1),
        /** Entra tenants whose Teams users may talk to Signet; empty = any tenant (development). */
        tenantIds: z.array(z.string().uuid()).default([]),
      })
      .strict(),
    helpDesk: z
      .object({
        phone: z.string().trim().min(3).max(40).optional(),
        url: z.string().url().optional(),
        email: z.string().email().optional(),
        /** As people read them: one text, or one per locale (`{"en-US": "…", "es-US": "…"}`) so each hears their own. */
        hours: z.union([z.string().trim().max(80), z.record(z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'must be a locale such as "en-US"'), z.string().trim().max(80))]).optional(),
        /** Directory object ids or UPNs of the staff who may use the help-desk commands. */
        members: z.array(z.string().trim().min(1).max(256)).default([]),
      })
      .strict()
      .refine((h) => h.phone !== undefined || h.url !== undefined || h.email !== undefined, {
        message: 'needs at least one of phone, url or email so people can be told how to reach the help desk',
      }),
    phone: z
      .object({
        defaultCountry: countryCode.default('US'),
        /** Countries Signet may text or call; empty = any. */
        allowedCountries: z.array(countryCode).default([]),
        blockedNumbers: z
          .array(
            z
              .object({
                number: z.string(),
                reason: z.enum(BLOCKED_NUMBER_REASONS).default('mainLine'),
              })
              .strict(),
          )
          .default([]),
        /** SMS-pumping protection: texts and calls per number, and per person, in any rolling hour. */
        sendLimits: z
          .object({
            perNumberPerHour: z.number().int().min(1).max(100).default(5),
            perUserPerHour: z.number().int().min(1).max(100).default(10),
          })
          .strict()
          .default({}),
      })
      .strict()
      .default({}),
    methods: z
      .object({
        required: z.number().int().min(1).max(METHOD_KINDS.length).default(2),
        firstMethodKinds: z.array(methodKind).min(1).default(['authenticatorApp', 'mobilePhone', 'alternatePhone', 'officePhone']),
        offered: z.array(methodKind).min(1).default([...METHOD_KINDS]),
        usage: usageMatrix,
      })
      .strict()
      .default({}),
    email: z
      .object({
        /** Domains refused for the reset email, besides the organisation's own (always refused). */
        blockedDomains: z.array(domainName).default([]),
      })
      .strict()
      .default({}),
    securityQuestions: z
      .object({ count: z.number().int().min(3).max(5).default(3) })
      .strict()
      .default({}),
    codes: z
      .object({
        length: z.number().int().min(6).max(8).default(6),
        lifetimeMinutes: z.number().int().min(1).max(60).default(10),
        maxAttempts: z.number().int().min(1).max(20).default(5),
        lockoutMinutes: z.number().int().min(1).max(24 * 60).default(15),
        resendCooldownSeconds: z.number().int().min(0).max(600).default(30),
      })
      .strict()
      .default({}),
    passwordReset: z
      .object({
        /** Distinct verifications a self-service reset asks for (sms and call count as one: the same phone). */
        methodsRequired: resetMethodCount.default(1),
        /** Stricter (or looser) for people of one domain, e.g. staff 2; the highest matching rule wins. */
        byDomain: z.array(z.object({ domain: domainName, methodsRequired: resetMethodCount }).strict()).default([]),
        /** Likewise for members of a directory group (its name as the directory gives it). */
        byGroup: z.array(z.object({ group: z.string().trim().min(1).max(256), methodsRequired: resetMethodCount }).strict()).default([]),
        /** Security questions asked in a reset, among those the person registered. */
        questionsAsked: z.number().int().min(1).max(5).default(2),
        sessionMinutes: z.number().int().min(5).max(60).default(15),
        /** The organisation's own rules on new passwords (the directory may add its own). */
        minLength: z.number().int().min(8).max(128).default(10),
        /** zxcvbn score (0–4) a new password must reach. */
        minStrength: z.number().int().min(0).max(4).default(3),
        /** Words a password may not contain, besides the organisation's name and the person's own names. */
        bannedWords: z.array(z.string().trim().min(3).max(64)).default([]),
        /** Resets started per source address and per name per hour (exact, across instances). */
        perAddressPerHour: z.number().int().min(1).max(10_000).default(30),
        perPersonPerHour: z.number().int().min(1).max(100).default(10),
        /** Answers (codes, questions) per person per failure-lock window before the reset locks. */
        maxAnswersPerLock: z.number().int().min(3).max(100).default(10),
      })
      .strict()
      .default({}),
    trustedNetworks: z.array(cidr).default([]),
    locales: z
      .object({
        offered: z.array(z.string().regex(/^[a-z]{2,3}(-[A-Z]{2})?$/, 'must be a locale such as "en-US"')).min(1).default(['en-US', 'en-GB']),
        default: z.string().default('en-US'),
      })
      .strict()
      .default({})
      .refine((l) => l.offered.includes(l.default), { message: 'default must be one of offered', path: ['default'] }),
    verification: z
      .object({
        /** Consecutive failed sign-in verifications that lock a person's verifications. */
        maxConsecutiveFailures: z.number().int().min(3).max(100).default(10),
        failureLockMinutes: z.number().int().min(1).max(24 * 60).default(30),
        /** "This wasn't me" denials within the window after which challenges are refused (push-fatigue defence). */
        maxDenials: z.number().int().min(1).max(20).default(3),
        denialWindowMinutes: z.number().int().min(1).max(7 * 24 * 60).default(60),
        /** New challenges per person per 15 minutes. */
        maxChallengesPer15Minutes: z.number().int().min(1).max(100).default(10),
        /** API requests per relying system per minute, across all server instances (a fixed minute window in the store). */
        clientRequestsPerMinute: z.number().int().min(1).max(10_000).default(120),
      })
      .strict()
      .default({}),
    voice: z
      .object({
        enrollmentMode: z.enum(['pressKey', 'readCode']).default('pressKey'),
        /** Answering-machine detection: a machine that answers hears no code (ignored for calls with an extension). */
        answeringMachineDetection: z.boolean().default(true),
      })
      .strict()
      .default({}),
  })
  .strict()
  .superRefine((org, ctx) => {
    const offered = new Set(org.methods.offered);
    org.methods.firstMethodKinds.forEach((kind, i) => {
      if (!org.methods.usage[kind].mfa) {
        ctx.addIssue({ code: 'custom', path: ['methods', 'firstMethodKinds', i], message: `${kind} does not count for MFA, so it cannot be the first method` });
      }
      if (!offered.has(kind)) {
        ctx.addIssue({ code: 'custom', path: ['methods', 'firstMethodKinds', i], message: `${kind} is not in methods.offered` });
      }
    });
    const mfaOffered = org.methods.offered.filter((k) => org.methods.usage[k].mfa && k !== 'securityKey').length;
    if (org.methods.required > org.methods.offered.length) {
      ctx.addIssue({ code: 'custom', path: ['methods', 'required'], message: `is more than the ${org.methods.offered.length} methods offered` });
    }
    if (mfaOffered === 0) {
      ctx.addIssue({ code: 'custom', path: ['methods', 'offered'], message: 'must include at least one MFA method that can be set up in chat' });
    }
    org.phone.blockedNumbers.forEach((entry, i) => {
      const parsed = parsePhoneNumberFromString(entry.number, org.phone.defaultCountry);
      if (!parsed || !parsed.isValid()) {
        ctx.addIssue({ code: 'custom', path: ['phone', 'blockedNumbers', i, 'number'], message: `"${entry.number}" is not a valid phone number` });
      }
    });
  })
  .transform((org) => {
    const trusted = new BlockList();
    for (const net of org.trustedNetworks) {
      const [address, prefix] = net.split('/') as [string, string];
      trusted.addSubnet(address, Number(prefix), isIP(address) === 6 ? 'ipv6' : 'ipv4');
    }
    return {
      ...org,
      phone: {
        ...org.phone,
        blockedNumbers: org.phone.blockedNumbers.map((b) => ({
          number: parsePhoneNumberFromString(b.number, org.phone.defaultCountry)!.number as string,
          reason: b.reason,
        })),
      },
      email: { blockedDomains: [...new Set([...org.organisation.domains, ...org.email.blockedDomains])] },
      isTrustedAddress(ip: string): boolean {
        const family = isIP(ip);
        if (family === 0) return false;
        return trusted.check(ip, family === 6 ? 'ipv6' : 'ipv4');
      },
    };
  });

export type OrgConfigInput = z.input<typeof orgConfigSchema>;
export type OrgConfig = z.output<typeof orgConfigSchema>;

/** What Signet runs with when no organisation file is given: a demo organisation for local development. */
export const DEMO_ORG_CONFIG: OrgConfigInput = {
  organisation: { name: 'Signet Demo School', domains: ['signet-demo.example'] },
  helpDesk: { phone: '+1 555 0100', url: 'https://help.signet-demo.example', hours: 'Monday to Friday, 8:00 to 16:00' },
  phone: { defaultCountry: 'US', blockedNumbers: [{ number: '+12025550100', reason: 'mainLine' }] },
};
