// Words for a machine reply: parameters whose names end in "Key" hold locale keys (a method's name, a
// blocked number's reason) and are translated first, then passed to the message without the suffix. Those ending
// in "Region" hold an ISO country code and "Regions" a comma-separated list of them: named in the locale.
import type { Reply } from './domain/effects';
import type { ReplyRenderer } from './ports/deliveryPorts';

export interface Translate {
  t(locale: string, key: string, params?: Readonly<Record<string, string | number>>): string;
}

export function createReplyRenderer(i18n: Translate): ReplyRenderer {
  return (locale, message: Reply) => {
    const params: Record<string, string | number> = {};
    for (const [name, value] of Object.entries(message.params ?? {})) {
      if (name.endsWith('Key') && typeof value === 'string') params[name.slice(0, -3)] = i18n.t(locale, value);
      else if (name.endsWith('Regions') && typeof value === 'string') params[name.slice(0, -7)] = regionList(locale, value.split(','), regionStyle(i18n, locale));
      else if (name.endsWith('Region') && typeof value === 'string') params[name.slice(0, -6)] = regionName(locale, value, regionStyle(i18n, locale));
      else params[name] = value;
    }
    return i18n.t(locale, message.key, params);
  };
}

function regionStyle(i18n: Translate, locale: string): RegionNameStyle {
  return i18n.t(locale, 'common.regionNameStyle') === 'short' ? 'short' : 'long';
}

// Country names in the reader's language from the runtime's CLDR data (Intl.DisplayNames): "UK" / "Reino Unido",
// never "GB". The locale says which style reads naturally (common.regionNameStyle: English "UK", Spanish the full name).
const regionNamers = new Map<string, Intl.DisplayNames>();

export type RegionNameStyle = 'short' | 'long';

/** The name of ISO 3166 region `code` in `locale`; the code itself if the runtime has no name for it. */
export function regionName(locale: string, code: string, style: RegionNameStyle): string {
  try {
    const id = `${locale}|${style}`;
    let names = regionNamers.get(id);
    if (!names) {
      names = new Intl.DisplayNames([locale], { type: 'region', style, fallback: 'code' });
      regionNamers.set(id, names);
    }
    return names.of(code) ?? code;
  } catch {
    return code; // not a well-formed locale or region code
  }
}

/** "United States, Canada and Mexico" in the locale's own list style. */
export function regionList(locale: string, codes: readonly string[], style: RegionNameStyle): string {
  return new Intl.ListFormat([locale], { type: 'conjunction' }).format(codes.map((c) => regionName(locale, c, style)));
}
