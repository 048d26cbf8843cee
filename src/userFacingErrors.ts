// Turns a fault into what a person is told: a locale key, never the error's own text. Used once per channel
// at its edge (Teams onTurnError, the SMS and voice webhooks, the HTTP API).
import { reply, type Reply } from './domain/effects';
import { ConcurrentUpdateError } from './enrollment/enrollmentService';
import { RecordBusyError, StoreUnavailableError } from './stores/ports';

export type FaultKind = 'unavailable' | 'busy' | 'stillSaving' | 'unexpected';

export function classifyFault(error: unknown): FaultKind {
  if (error instanceof StoreUnavailableError) return 'unavailable';
  if (error instanceof ConcurrentUpdateError) return 'busy';
  // Not "changed somewhere else": an earlier write (perhaps of a crashed instance) still holds the record.
  if (error instanceof RecordBusyError) return 'stillSaving';
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
