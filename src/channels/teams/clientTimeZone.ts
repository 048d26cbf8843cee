// The time zone Teams says the person's client is in (activity.localTimezone, or the clientInfo entity's
// timezone), checked against the runtime's IANA list; null when absent or unknown, and times are then shown in UTC.
import type { Activity } from 'botbuilder';

/** An IANA zone name the runtime can format in ("Europe/London"), else null. */
export function validTimeZone(value: unknown): string | null {
  if (typeof value !== 'string' || value === '' || value.length > 64) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: value }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

export function clientTimeZone(activity: Pick<Partial<Activity>, 'localTimezone' | 'entities'>): string | null {
  const fromEntity = activity.entities?.find((e) => e.type === 'clientInfo')?.['timezone'];
  return validTimeZone(activity.localTimezone) ?? validTimeZone(fromEntity);
}
