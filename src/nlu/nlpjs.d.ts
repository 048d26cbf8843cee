// The small part of NLP.js v4 (CommonJS, no bundled types) that src/nlu uses: a container per locale, the Nlp
// facade (documents, enum entities, train, process) and the language packs for English and Spanish.
declare module '@nlpjs/core' {
  export interface NlpContainer {
    use(plugin: unknown): void;
    get<T = unknown>(name: string): T;
    registerConfiguration(tag: string, configuration: Record<string, unknown>, overwrite?: boolean): void;
  }
  export function containerBootstrap(settings?: Record<string, unknown>): Promise<NlpContainer>;
}

declare module '@nlpjs/nlp' {
  export interface NlpEntity {
    readonly entity: string;
    readonly option?: string;
    readonly sourceText?: string;
    readonly accuracy?: number;
  }
  export interface NlpResult {
    readonly intent: string;
    readonly score: number;
    readonly classifications: ReadonlyArray<{ readonly intent: string; readonly score: number }>;
    readonly entities: readonly NlpEntity[];
  }
  export interface NlpNer {
    addRuleOptionTexts(locale: string, entity: string, option: string, texts: string[]): void;
    process(input: { readonly locale: string; readonly text: string }): Promise<{ readonly entities: readonly NlpEntity[] }>;
  }
  export class Nlp {
    settings: Record<string, unknown>;
    readonly ner: NlpNer;
    forceNER: boolean;
    constructor(settings: Record<string, unknown>);
    addLanguage(locales: string | string[]): void;
    addDocument(locale: string, utterance: string, intent: string): void;
    train(): Promise<unknown>;
    toJSON(): unknown;
    fromJSON(model: unknown): void;
    process(locale: string, text: string): Promise<NlpResult>;
  }
}

declare module '@nlpjs/lang-en-min' {
  export const LangEn: unknown;
  /** Porter stemmer: stems a list of lower-case tokens. */
  export class StemmerEn {
    stem(tokens: string[]): string[];
  }
  /** Splits English text into tokens; with `normalize`, contractions become words ("didn't" → "did", "not"). */
  export class TokenizerEn {
    tokenize(text: string, normalize?: boolean): string[];
  }
}

declare module '@nlpjs/lang-es' {
  export const LangEs: unknown;
  /** Snowball Spanish stemmer: stems a list of lower-case, accent-folded tokens. */
  export class StemmerEs {
    stem(tokens: string[]): string[];
  }
  /** Splits Spanish text into tokens at spaces and punctuation. */
  export class TokenizerEs {
    tokenize(text: string, normalize?: boolean): string[];
  }
  /** NLP.js's Spanish stop words ("para", "como", "hay"), as the keys of its dictionary. */
  export class StopwordsEs {
    readonly dictionary: Record<string, boolean>;
  }
}

declare module '@nlpjs/similarity' {
  /** Levenshtein distance between two strings. */
  export function leven(left: string, right: string): number;
}
