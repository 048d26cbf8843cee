// A directory's refusal as the locale key (locales/<lng>/directory.json) and parameters the edge says it with;
// adapters never carry words.
import type { DirectoryRefusal, DirectoryRefusalKind } from './directory';

export interface DirectoryRefusalMessage {
  readonly key: string;
  readonly params: Readonly<Record<string, string | number>>;
}

const KEYS: Readonly<Record<DirectoryRefusalKind, string>> = {
  tooShort: 'directory.refusal.tooShort',
  tooWeak: 'directory.refusal.tooWeak',
  inHistory: 'directory.refusal.inHistory',
  tooYoung: 'directory.refusal.tooYoung',
  accountDisabled: 'directory.refusal.accountDisabled',
  // The same words as any other failure to verify: a reset must never tell whether a name exists.
  notFound: 'directory.refusal.notFound',
  unavailable: 'directory.refusal.unavailable',
};

export function directoryRefusalMessage(refusal: DirectoryRefusal): DirectoryRefusalMessage {
  if (refusal.kind === 'tooShort' && refusal.minLength !== undefined) {
    return { key: 'directory.refusal.tooShortWithLength', params: { minLength: refusal.minLength } };
  }
  if (refusal.kind === 'unavailable' && refusal.retryAfterSeconds !== undefined) {
    return { key: 'directory.refusal.unavailableRetry', params: { count: Math.max(1, Math.ceil(refusal.retryAfterSeconds / 60)) } };
  }
  return { key: KEYS[refusal.kind], params: {} };
}
