// Country names in the reader's language, from the runtime's CLDR data (Intl.DisplayNames), for replies that
// carry ISO region codes: "UK" / "Reino Unido", never "GB". The locale says which style reads naturally
// (common.regionNameStyle: English says "UK" and "US", Spanish writes the names out).
const cache = new Map<string, Intl.DisplayNames>();

export type RegionNameStyle = 'short' | 'long';

/** The name of ISO 3166 region `code` in `locale`; the code itself if the runtime has no name for it. */
export function regionName(locale: string, code: string, style: RegionNameStyle): string {
  const id = `${locale}|${style}`;
  let names = cache.get(id);
  if (!names) {
    names = new Intl.DisplayNames([locale], { type: 'region', style, fallback: 'code' });
    cache.set(id, names);
  }
  try {
    return names.of(code) ?? code;
  } catch {
    return code; // not a well-formed region code
  }
}

/** "United States, Canada and Mexico" in the locale's own list style. */
export function regionList(locale: string, codes: readonly string[], style: RegionNameStyle): string {
  return new Intl.ListFormat([locale], { type: 'conjunction' }).format(codes.map((c) => regionName(locale, c, style)));
}
