// The port through which Signet tells an organisation's help desk that something needs a person's attention,
// e.g. someone pressed 0 ("this wasn't me") on a verification call.
import type { Channel } from '../domain/user';

export interface HelpDeskReport {
  readonly userId: string;
  readonly kind: 'enrollment' | 'verification';
  /** The enrollment or challenge id. */
  readonly refId: string;
  /** deniedByPhone: 0 pressed on a call; repeatedDenials: several "this wasn't me" in a short time (push fatigue). */
  readonly reason: 'deniedByPhone' | 'repeatedDenials';
  readonly channel: Channel;
}

/** Never throws for a help desk it cannot reach: it records the report instead. Reports hold no codes or numbers. */
export interface HelpDeskNotifier {
  report(report: HelpDeskReport): Promise<void>;
}
