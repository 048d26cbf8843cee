// What a person is told for a fault wrapped by botbuilder-dialogs (DialogContextError) or by `cause`: the
// innermost known fault decides, not the wrapper.
import { TurnContext, TestAdapter } from 'botbuilder';
import { DialogContext, DialogContextError, DialogSet } from 'botbuilder-dialogs';
import { ConcurrentUpdateError } from '../../src/serviceKit/compareAndSet';
import { StoreUnavailableError } from '../../src/ports/storeErrors';
import { classifyFault, faultReply } from '../../src/userFacingErrors';

const dialogContext = (): DialogContext => new DialogContext(new DialogSet(), new TurnContext(new TestAdapter(), { type: 'message' }), { dialogStack: [] });

describe('user-facing faults', () => {
  it('when a DialogContextError wraps a ConcurrentUpdateError, then the person is told "busy"', () => {
    expect(faultReply(new DialogContextError(new ConcurrentUpdateError(), dialogContext()))).toEqual({ key: 'common.busy' });
  });

  it('when a DialogContextError wraps an error caused by a store outage, then it is "unavailable"', () => {
    const inner = new Error('loading failed', { cause: new StoreUnavailableError() });
    expect(classifyFault(new DialogContextError(inner, dialogContext()))).toBe('unavailable');
  });

  it('when nothing in the chain is a known fault, or the causes form a cycle, then it is "unexpected"', () => {
    const a = new Error('a') as Error & { cause?: unknown };
    const b = new Error('b', { cause: a });
    a.cause = b;
    expect(classifyFault(a)).toBe('unexpected');
    expect(classifyFault(new DialogContextError('just text', dialogContext()))).toBe('unexpected');
    expect(classifyFault(undefined)).toBe('unexpected');
  });
});
