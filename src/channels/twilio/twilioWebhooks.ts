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
import { keyPressWebhookId, type PressKey } from '../../app/pressKey';
import type { ReceivedText, ReceiveText, TextAnswer } from '../../app/receiveText';
import type { RecordCallStatus } from '../../app/recordCallStatus';
import type { RecordDeliveryStatus } from '../../app/recordDeliveryStatus';
import type { LedgerEntry, OnceOptions, Processed, WebhookOnce } from '../../app/webhookOnce';
import type { WebhookPlan } from '../../app/webhookPlan';
import { renderSms, renderVoice, type VoiceScript } from './twiml';
import { cutText, INPUT_LIMITS } from '../inputLimits';

/** Decoded form fields of a webhook. */
export type WebhookParams = Readonly<Record<string, string | undefined>>;

export interface TwilioWebhookDeps {
  /** One use case per inbound event. */
  readonly sms: Pick<ReceiveText, 'plan' | 'done' | 'recall'>;
  readonly answerCall: Pick<AnswerCall, 'plan' | 'done'>;
  readonly pressKey: Pick<PressKey, 'plan' | 'done' | 'recall'>;
  readonly callStatus: Pick<RecordCallStatus, 'record' | 'recorded'>;
  readonly messageStatus: Pick<RecordDeliveryStatus, 'record' | 'recorded'>;
  /** Runs each delivery once (a retry gets the first delivery's answer). */
  readonly once: Pick<WebhookOnce, 'run' | 'answer'>;
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

/** How a planned webhook answers faults and retries (see planned). */
interface PlannedHow {
  readonly onFault: (error: unknown) => string;
  readonly stillWorking: () => string;
  readonly recall: (entry: LedgerEntry | null) => Promise<string | null>;
  readonly keep?: (answer: string) => string;
}

export const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response/>';

/**
 * A status callback's answer is always empty, and the status record (written last by its use case) says it was
 * dealt with: a retry finds that through `recorded`, so the ledger's claim is its one write.
 */
const STATUS_RECORDED: Processed = { answer: EMPTY_TWIML, recorded: true };

export class TwilioWebhooks {
  /** The TwiML of frozen (constant) text answers, rendered once each (see smsAnswer). */
  private readonly constantSms = new WeakMap<TextAnswer, string>();

  constructor(private readonly deps: TwilioWebhookDeps) {}

  /** An inbound text. */
  async sms(params: WebhookParams): Promise<string> {
    const sid = params['MessageSid'] ?? params['SmsSid'];
    const from = params['From'];
    if (!sid || !from) return EMPTY_TWIML;
    const id = `sms:${sid}`;
    const text: ReceivedText = { from, body: cutText(params['Body'] ?? '', INPUT_LIMITS.smsBody) };
    let planned: WebhookPlan<TextAnswer>;
    try {
      planned = await this.deps.sms.plan(text, id);
    } catch (error) {
      this.deps.onError('sms', error);
      return this.smsFault(error);
    }
    if (planned.kind === 'answered') {
      // The common case (a number nobody answers for, HELP): the claim carrying the answer is all the work, so
      // what only a retry needs (its recall and "still working") is built only for a retry.
      const answer = this.smsAnswer(planned.answer);
      const retry = planned.retryAnswer === undefined ? answer : this.smsAnswer(planned.retryAnswer);
      try {
        return await this.deps.once.answer(id, answer, { response: retry }, (): OnceOptions => this.smsRetry(text, id));
      } catch (error) {
        // The ledger itself failed (the store is away): nothing was processed; the apology says so.
        this.deps.onError('sms', error);
        return this.smsFault(error);
      }
    }
    // A keyword's prepared answer stands once its opt-out is recorded; a code's answer is saved with the
    // enrollment it changed (the ledger keeps the rest).
    const how = { onFault: (error: unknown) => this.smsFault(error), ...this.smsRetry(text, id) };
    return this.carriedOut('sms', id, how, planned, (answer: TextAnswer) => this.smsAnswer(answer), (a) => a.recorded === true);
  }

  /** What a retry of an inbound text needs: the answer the first delivery recorded, and "still working". */
  private smsRetry(text: ReceivedText, id: string): Omit<PlannedHow, 'onFault' | 'keep'> {
    const { defaultLocale, organisationName, render } = this.deps;
    return {
      stillWorking: () => renderSms(defaultLocale, [reply('sms.inbound.stillWorking', { org: organisationName })], render),
      recall: async (entry: LedgerEntry | null): Promise<string | null> => {
        if (entry?.prepared !== undefined) return (await this.deps.sms.done(text, entry.at)) ? entry.prepared : null;
        const answer = await this.deps.sms.recall(id);
        return answer ? this.smsAnswer(answer) : null;
      },
    };
  }

  /**
   * A text answer as TwiML. A frozen answer (the use case's constant ones, e.g. the neutral "unknown number"
   * reply) is rendered once: translations never change after start-up, so neither does its TwiML.
   */
  private smsAnswer(answer: TextAnswer): string {
    if (!Object.isFrozen(answer)) return renderSms(answer.locale, answer.replies, this.deps.render);
    let twiml = this.constantSms.get(answer);
    if (twiml === undefined) {
      twiml = renderSms(answer.locale, answer.replies, this.deps.render);
      this.constantSms.set(answer, twiml);
    }
    return twiml;
  }

  /** /voice/answer and /voice/key. */
  async voice(step: string, query: URLSearchParams, params: WebhookParams): Promise<string> {
    const parsed = parseCallbackContext(query);
    const callSid = params['CallSid'];
    if (!parsed || !callSid || (step !== 'answer' && step !== 'key')) return this.voiceFault(this.deps.defaultLocale, reply('common.unexpectedError'));
    const context: CallbackContext = { ...parsed, locale: this.deps.resolveLocale(parsed.locale) };
    const attempt = Math.max(1, Math.min(9, Number.parseInt(query.get('attempt') ?? '1', 10) || 1));
    const id = step === 'answer' ? `${callSid}:answer` : keyPressWebhookId(callSid, attempt);
    // A read-aloud call's answer holds the code: what a retry hears is a goodbye, never the code.
    const keep = context.mode === 'readCode' ? () => this.voiceFault(context.locale, reply('voice.call.giveUp')) : undefined;
    const done = (): Promise<boolean> | boolean => (step === 'answer' ? this.deps.answerCall.done(context, callSid) : this.deps.pressKey.done());
    const rendered = (script: CallScript): string => renderVoice(this.voiceScript(context, script), this.deps.render);
    // A prepared answer (a machine's hang-up, a code's reading) stands once its use case says it was carried out;
    // a key the machine decided on is answered from the record it changed.
    const recall = async (entry: LedgerEntry | null): Promise<string | null> => {
      if (entry?.prepared !== undefined) return (await done()) ? entry.prepared : null;
      const script = step === 'key' ? await this.deps.pressKey.recall(context, callSid, attempt) : null;
      if (!script) return null;
      return keep ? keep() : rendered(script);
    };
    return this.planned(
      'voice',
      id,
      {
        onFault: (error) => this.voiceFault(context.locale, faultReply(error)),
        stillWorking: () => this.voiceFault(context.locale, reply('voice.call.stillWorking')),
        recall,
        ...(keep ? { keep } : {}),
      },
      () =>
        step === 'answer'
          ? this.deps.answerCall.plan(context, callSid, isMachine(params['AnsweredBy']))
          : this.deps.pressKey.plan(context, callSid, params['Digits'] ?? '', attempt),
      rendered,
      (script) => script.recorded === true,
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
        { recall: async () => ((await this.deps.callStatus.recorded(callSid, status)) ? EMPTY_TWIML : null) },
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
        { recall: async () => ((await this.deps.messageStatus.recorded(sid, status)) ? EMPTY_TWIML : null) },
      );
    }
    return EMPTY_TWIML;
  }

  /**
   * Asks the use case for its plan (reads only), then runs it once for `id` with the claim carrying what is
   * already known (see WebhookPlan): a final answer, or the prepared one a retry gets once the use case's `done`
   * (through `recall`) finds its writes. `keep`: what retries hear instead of any answer (it speaks a code). A
   * fault while planning is answered like a ledger fault: nothing was claimed or processed, a retry plans afresh.
   */
  private async planned<A>(
    webhook: string,
    id: string,
    how: PlannedHow,
    plan: () => Promise<WebhookPlan<A>>,
    render: (answer: A) => string,
    recorded: (answer: A) => boolean = () => false,
  ): Promise<string> {
    let planned: WebhookPlan<A>;
    try {
      planned = await plan();
    } catch (error) {
      this.deps.onError(webhook, error);
      return how.onFault(error);
    }
    return this.carriedOut(webhook, id, how, planned, render, recorded);
  }

  /** Runs a plan once for `id` (see planned). */
  private carriedOut<A>(webhook: string, id: string, how: PlannedHow, planned: WebhookPlan<A>, render: (answer: A) => string, recorded: (answer: A) => boolean): Promise<string> {
    const { onFault, stillWorking, recall, keep } = how;
    if (planned.kind === 'answered') {
      const answer = render(planned.answer);
      const retry = keep ? keep(answer) : planned.retryAnswer !== undefined ? render(planned.retryAnswer) : answer;
      return this.once(webhook, id, onFault, stillWorking, async () => answer, { recall, carrying: { response: retry } });
    }
    if (planned.kind === 'prepared') {
      const { carryOut, retryAnswer } = planned;
      const prepared = keep ? keep(render(retryAnswer)) : render(retryAnswer);
      return this.once(webhook, id, onFault, stillWorking, async () => ({ answer: render(await carryOut()), recorded: true }), { recall, carrying: { prepared }, ...(keep ? { keep } : {}) });
    }
    const { carryOut } = planned;
    return this.once(
      webhook,
      id,
      onFault,
      stillWorking,
      async () => {
        const answer = await carryOut();
        return { answer: render(answer), recorded: recorded(answer) };
      },
      { recall, ...(keep ? { keep } : {}) },
    );
  }

  /**
   * Runs `work` for the first delivery of `id` only; later deliveries get the answer kept for the first (waiting
   * for it, bounded, while it is being worked out; `stillWorking` past the bound), or what `options.keep` makes of
   * it when the answer must not be kept (it speaks a code).
   */
  private async once(
    webhook: string,
    id: string,
    onFault: (error: unknown) => string,
    stillWorking: () => string,
    work: () => Promise<string | Processed>,
    options: Omit<OnceOptions, 'stillWorking'> = {},
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
      return await this.deps.once.run(id, answered, { ...options, stillWorking });
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

  private smsFault(error: unknown): string {
    return renderSms(this.deps.defaultLocale, [faultReply(error)], this.deps.render);
  }

  private voiceFault(locale: string, message: Reply): string {
    return renderVoice({ locale, steps: [{ type: 'say', message }, { type: 'hangup' }] }, this.deps.render);
  }
}

function numberOrNull(value: string | undefined): number | null {
  if (value === undefined || !/^\d{1,9}$/.test(value)) return null;
  return Number(value);
}
