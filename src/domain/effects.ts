// What the state machines ask the outside world to do or say. Replies are locale keys plus parameters, never
// sentences, so each channel words them its own way (card, SMS, <Say>).
import type { Channel } from './user';

export type ReplyParams = Readonly<Record<string, string | number>>;

export interface Reply {
  readonly key: string;
  readonly params?: ReplyParams;
}

export const reply = (key: string, params?: ReplyParams): Reply => (params ? { key, params } : { key });

/**
 * What a message or call is for, so a webhook that answers it can find the right record. A `notice` only informs
 * (e.g. "your password was changed"): no enrollment or challenge waits on it, so its status is recorded and no more.
 */
export interface DeliveryPurpose {
  readonly kind: 'enrollment' | 'verification' | 'notice';
  readonly userId: string;
  /** The enrollment or challenge id; for a notice, what it tells of (e.g. the reset session id). */
  readonly refId: string;
  /**
   * Which send of the enrollment this is (1, 2, … per code or call issued), carried in the provider's callback
   * URLs so a callback is matched to its attempt without saving the provider's id. A challenge sends once, so its
   * id is enough and it has none.
   */
  readonly send?: number;
}

export type Effect =
  | {
      readonly type: 'sendSms';
      readonly to: string;
      readonly message: Reply;
      readonly locale: string;
      readonly purpose: DeliveryPurpose;
    }
  | {
      readonly type: 'placeCall';
      readonly to: string;
      readonly extension: string | null;
      /** pressKey: "press # to finish"; readCode: the code is read aloud after a key press. */
      readonly mode: 'pressKey' | 'readCode';
      readonly locale: string;
      readonly purpose: DeliveryPurpose;
    }
  | {
      readonly type: 'sendEmail';
      readonly to: string;
      readonly subject: Reply;
      readonly body: Reply;
      readonly locale: string;
      readonly purpose: DeliveryPurpose;
    }
  /** Tell the person in the channel they started from (e.g. their Teams chat) when another channel finished it. */
  | { readonly type: 'notifyUser'; readonly userId: string; readonly channel: Channel; readonly message: Reply }
  /**
   * The person's registration meets the policy (a method was just added): systems that rely on it may be told, e.g.
   * Entra ID, where Signet is then registered as their External MFA method. Nothing is said to the person.
   */
  | { readonly type: 'registrationMet'; readonly userId: string; readonly tenantId: string | null }
  | { readonly type: 'audit'; readonly entry: AuditDraft };

/** An audit entry before the log stamps it. Never holds a code, secret, answer or passcode. */
export interface AuditDraft {
  readonly userId: string;
  readonly actor: string;
  readonly action: string;
  readonly channel: Channel;
  readonly details?: Readonly<Record<string, string | number | boolean | null>>;
}
