// Words that mean the same thing to this bot ("signal", "reception", "bars", "coverage") add one shared feature,
// "concept_signal", beside the text: a synonym the corpus used with one phrasing reads like the others. The
// lexicon is data, per locale (the "concepts" of locales/<lng>/intents.json); terms match by NLP.js stems.
import { stemmerFor } from './stems';

/** The concept features a text carries, each once, in the order found. */
export type FindConcepts = (text: string) => string[];

/** A concept's name as a feature: letters only, so NLP.js keeps it one token. */
export function conceptFeature(name: string): string {
  return `concept_${name.toLowerCase().replace(/[^a-z]/g, '')}`;
}

export function conceptFinder(language: string, lexicon: Readonly<Record<string, readonly string[]>>): FindConcepts {
  const stemText = stemmerFor(language);
  if (stemText === undefined || Object.keys(lexicon).length === 0) return () => [];
  // Each term as its stems, filed under its first stem: "phone call" → ["phone", "call"] under "phone".
  const byFirst = new Map<string, Array<{ stems: readonly string[]; feature: string }>>();
  for (const [name, terms] of Object.entries(lexicon)) {
    for (const term of terms) {
      const { stems } = stemText(term);
      if (stems.length === 0) continue;
      const list = byFirst.get(stems[0]!) ?? [];
      list.push({ stems, feature: conceptFeature(name) });
      byFirst.set(stems[0]!, list);
    }
  }
  return (text) => {
    const { stems } = stemText(text);
    const found = new Set<string>();
    stems.forEach((stem, i) => {
      for (const term of byFirst.get(stem) ?? []) if (term.stems.every((s, k) => stems[i + k] === s)) found.add(term.feature);
    });
    return [...found];
  };
}
