// Turns a fault into what a person is told: a locale key, never the error's own text. Used once per channel
// at its edge (Teams onTurnError, the SMS and voice webhooks, the HTTP API).
import { reply, type Reply } from './domain/effects';
import { ConcurrentUpdateError } from './serviceKit/compareAndSet';
import { RecordBusyError, StoreUnavailableError } from './ports/storeErrors';

export type FaultKind = 'unavailable' | 'busy' | 'stillSaving' | 'unexpected';

// Wrappers nest rarely more than twice; the bound only guards against a cycle of causes.
const MAX_UNWRAP_DEPTH = 10;

/**
 * The errors a fault may be wrapped in, outermost first: botbuilder-dialogs' DialogContextError keeps the
 * original in `error` (matched by name, so this module needs no botbuilder import); standard wrappers keep it in
 * `cause`.
 */
function causeChain(error: unknown): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && chain.length < MAX_UNWRAP_DEPTH && !chain.includes(current)) {
    chain.push(current);
    current = wrapped(current);
  }
  return chain;
}

function wrapped(error: unknown): unknown {
  if (typeof error !== 'object' || error === null) return undefined;
  const { name } = error as { name?: unknown };
  if (name === 'DialogContextError' && 'error' in error) return (error as { error: unknown }).error;
  return 'cause' in error ? (error as { cause: unknown }).cause : undefined;
}

export function classifyFault(error: unknown): FaultKind {
  for (const fault of causeChain(error)) {
    if (fault instanceof StoreUnavailableError) return 'unavailable';
    if (fault instanceof ConcurrentUpdateError) return 'busy';
    // Not "changed somewhere else": an earlier write (perhaps of a crashed instance) still holds the record.
    if (fault instanceof RecordBusyError) return 'stillSaving';
  }
  return 'unexpected';
}

const KEYS: Record<FaultKind, string> = {
  unavailable: 'common.unavailable',
  busy: 'common.busy',
  stillSaving: 'common.stillSaving',
  unexpected: 'common.unexpectedError',
};

export function faultReply(error: unknown): Reply {
  return reply(KEYS[classifyFault(error)]);
}
