// The Twilio webhook handlers, shared by the signed public routes and the development routes: each translates the
// form (Twilio's statuses and codes included) into one call of a use case in src/app/, run once per delivery id
// (MessageSid, or CallSid + step; a retry gets the first delivery's answer: see src/app/webhookOnce.ts), and renders
// what it returns as TwiML. A fault is answered with a localized apology, never a 5xx Twilio would retry.
import { reply, type Reply } from '../../domain/effects';
import { failureForCallStatus, failureForTwilioCode, isMachine } from '../../domain/rules/twilioErrors';
import { callbackUrl, parseCallbackContext, TWILIO_PATHS, type CallbackContext } from '../../config/callbackUrls';
import type { ReplyRenderer } from '../../ports/deliveryPorts';
import { faultReply } from '../../userFacingErrors';
import type { AnswerCall } from '../../app/answerCall';
import type { CallScript } from '../../app/phoneCallSteps';
import type { PressKey } from '../../app/pressKey';
import type { ReceiveText } from '../../app/receiveText';
import type { RecordCallStatus } from '../../app/recordCallStatus';
import type { RecordDeliveryStatus } from '../../app/recordDeliveryStatus';
import type { Processed, WebhookOnce } from '../../app/webhookOnce';
import { renderSms, renderVoice, type VoiceScript } from './twiml';
import { cutText, INPUT_LIMITS } from '../inputLimits';

/** Decoded form fields of a webhook. */
export type WebhookParams = Readonly<Record<string, string | undefined>>;

export interface TwilioWebhookDeps {
  /** One use case per inbound event. */
  readonly sms: Pick<ReceiveText, 'receive' | 'recall'>;
  readonly answerCall: Pick<AnswerCall, 'answer'>;
  readonly pressKey: Pick<PressKey, 'press'>;
  readonly callStatus: Pick<RecordCallStatus, 'record' | 'recorded'>;
  readonly messageStatus: Pick<RecordDeliveryStatus, 'record' | 'recorded'>;
  /** Runs each delivery once (a retry gets the first delivery's answer). */
  readonly once: Pick<WebhookOnce, 'run'>;
  readonly render: ReplyRenderer;
  /**
   * The offered locale a requested one reaches (i18n's rule: es-MX → es-US). A call's words and its <Say> voice
   * both follow it, so Spanish words are never read by the English voice, nor English words by a Spanish one.
   */
  readonly resolveLocale: (requested: string) => string;
  readonly defaultLocale: string;
  /** Signs the texts sent without a person's context (e.g. "still working"). */
  readonly organisationName: string;
  /** Where Twilio posts the key pressed (the Gather action). */
  readonly publicBaseUrl: string;
  /** Told about faults: the error and which webhook, never the request's fields. */
  readonly onError: (webhook: string, error: unknown) => void;
}

export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/**
 * A status callback's answer is always empty, and the status record (written last by its use case) says it was
 * dealt with: a retry finds that through `recorded`, so the ledger's claim is its one write.
 */
const STATUS_RECORDED: Processed = { answer: EMPTY_TWIML, recorded: true };

export class TwilioWebhooks {
  constructor(private readonly deps: TwilioWebhookDeps) {}

  /** An inbound text. */
  async sms(params: WebhookParams): Promise<string> {
    const sid = params['MessageSid'] ?? params['SmsSid'];
    const from = params['From'];
    if (!sid || !from) return EMPTY_TWIML;
    const { defaultLocale, organisationName, render } = this.deps;
    const stillWorking = (): string => renderSms(defaultLocale, [reply('sms.inbound.stillWorking', { org: organisationName })], render);
    const id = `sms:${sid}`;
    // A code's answer is saved with the enrollment it changed; a retry finds it there (the ledger keeps the rest).
    const recall = async (): Promise<string | null> => {
      const answer = await this.deps.sms.recall(id);
      return answer ? renderSms(answer.locale, answer.replies, render) : null;
    };
    return this.once(
      'sms',
      id,
      this.smsFault(defaultLocale),
      stillWorking,
      async () => {
        const answer = await this.deps.sms.receive({ from, body: cutText(params['Body'] ?? '', INPUT_LIMITS.smsBody) }, id);
        return { answer: renderSms(answer.locale, answer.replies, render), recorded: answer.recorded === true };
      },
      undefined,
      recall,
    );
  }

  /** /voice/answer and /voice/key. */
  async voice(step: string, query: URLSearchParams, params: WebhookParams): Promise<string> {
    const parsed = parseCallbackContext(query);
    const callSid = params['CallSid'];
    if (!parsed || !callSid || (step !== 'answer' && step !== 'key')) return this.voiceFault(this.deps.defaultLocale, reply('common.unexpectedError'));
    const context: CallbackContext = { ...parsed, locale: this.deps.resolveLocale(parsed.locale) };
    const attempt = Math.max(1, Math.min(9, Number.parseInt(query.get('attempt') ?? '1', 10) || 1));
    const id = step === 'answer' ? `${callSid}:answer` : `${callSid}:key:${attempt}`;
    // A read-aloud call's answer holds the code: what is kept for a retry is a goodbye, never the code.
    const kept = context.mode === 'readCode' ? () => this.voiceFault(context.locale, reply('voice.call.giveUp')) : undefined;
    return this.once(
      'voice',
      id,
      (error) => this.voiceFault(context.locale, faultReply(error)),
      () => this.voiceFault(context.locale, reply('voice.call.stillWorking')),
      async () => {
        const script =
          step === 'answer'
            ? await this.deps.answerCall.answer(context, callSid, isMachine(params['AnsweredBy']))
            : await this.deps.pressKey.press(context, callSid, params['Digits'] ?? '', attempt);
        return renderVoice(this.voiceScript(context, script), this.deps.render);
      },
      kept,
    );
  }

  /** /status/call and /status/message. */
  async status(kind: string, query: URLSearchParams, params: WebhookParams): Promise<string> {
    const context = parseCallbackContext(query);
    if (!context) return EMPTY_TWIML;
    if (kind === 'call') {
      const callSid = params['CallSid'];
      const status = params['CallStatus'];
      if (!callSid || !status) return EMPTY_TWIML;
      return this.once(
        'callStatus',
        `${callSid}:status:${status}`,
        () => EMPTY_TWIML,
        () => EMPTY_TWIML,
        async () => {
          await this.deps.callStatus.record(context, {
            callSid,
            status,
            errorCode: numberOrNull(params['ErrorCode']),
            answeredByMachine: isMachine(params['AnsweredBy']),
            failure: failureForCallStatus(status),
          });
          return STATUS_RECORDED;
        },
        undefined,
        async () => ((await this.deps.callStatus.recorded(callSid, status)) ? EMPTY_TWIML : null),
      );
    }
    if (kind === 'message') {
      const sid = params['MessageSid'];
      const status = params['MessageStatus'] ?? params['SmsStatus'];
      if (!sid || !status) return EMPTY_TWIML;
      return this.once(
        'messageStatus',
        `${sid}:status:${status}`,
        () => EMPTY_TWIML,
        () => EMPTY_TWIML,
        async () => {
          const errorCode = numberOrNull(params['ErrorCode']);
          // Twilio's words for a text that did not arrive; its error code says why.
          const failure = status === 'failed' || status === 'undelivered' ? failureForTwilioCode(errorCode) : null;
          await this.deps.messageStatus.record(context, { messageSid: sid, status, errorCode, to: params['To'] ?? null, failure });
          return STATUS_RECORDED;
        },
        undefined,
        async () => ((await this.deps.messageStatus.recorded(sid, status)) ? EMPTY_TWIML : null),
      );
    }
    return EMPTY_TWIML;
  }

  /**
   * Runs `work` for the first delivery of `id` only; later deliveries get the answer kept for the first (waiting
   * for it, bounded, while it is being worked out; `stillWorking` past the bound), or what `kept` makes of it
   * when the answer must not be kept (it speaks a code).
   */
  private async once(
    webhook: string,
    id: string,
    onFault: (error: unknown) => string,
    stillWorking: () => string,
    work: () => Promise<string | Processed>,
    kept?: (answer: string) => string,
    recall?: () => Promise<string | null>,
  ): Promise<string> {
    const answered = async (): Promise<string | Processed> => {
      try {
        return await work();
      } catch (error) {
        this.deps.onError(webhook, error);
        return onFault(error);
      }
    };
    try {
      return await this.deps.once.run(id, answered, { stillWorking, ...(kept ? { keep: kept } : {}), ...(recall ? { recall } : {}) });
    } catch (error) {
      // The ledger itself failed (the store is away): nothing was processed; the apology says so.
      this.deps.onError(webhook, error);
      return onFault(error);
    }
  }

  /** The use case's script in TwiML's terms: a prompt's number becomes the address Twilio posts the key to. */
  private voiceScript(context: CallbackContext, script: CallScript): VoiceScript {
    const action = (attempt: number): string => callbackUrl(this.deps.publicBaseUrl, TWILIO_PATHS.voiceKey, context, { attempt: String(attempt) });
    return {
      locale: script.locale,
      steps: script.steps.map((step) => (step.type === 'gather' ? { type: 'gather', action: action(step.attempt), prompt: step.prompt } : step)),
    };
  }

  private smsFault(locale: string): (error: unknown) => string {
    return (error) => renderSms(locale, [faultReply(error)], this.deps.render);
  }

  private voiceFault(locale: string, message: Reply): string {
    return renderVoice({ locale, steps: [{ type: 'say', message }, { type: 'hangup' }] }, this.deps.render);
  }
}

function numberOrNull(value: string | undefined): number | null {
  if (value === undefined || !/^\d{1,9}$/.test(value)) return null;
  return Number(value);
}
