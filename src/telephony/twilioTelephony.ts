// The Telephony port over the twilio SDK: texts through the Messages API, calls through the Calls API with
// Signet's own TwiML and status-callback URLs (PUBLIC_BASE_URL + purpose). Refusals Twilio explains become
// DeliveryFailures; nothing here logs a number or a message body.
import type twilio from 'twilio';
import type { DeliveryReceipt, OutboundCall, OutboundSms, Telephony } from '../ports/deliveryPorts';
import type { TwilioConfig } from '../config/loadConfig';
import { callbackUrl, TWILIO_PATHS } from '../config/callbackUrls';
import { failureForTwilioCode } from '../domain/rules/twilioErrors';
import { rebasedRequestClient } from './twilioHttpClient';

export interface TwilioTelephonyOptions {
  readonly config: TwilioConfig;
  readonly publicBaseUrl: string;
  /** Ask Twilio to detect answering machines (ignored by Twilio when SendDigits is set). */
  readonly answeringMachineDetection: boolean;
  /** Told about REST failures: code and status only. */
  readonly onError?: (operation: 'sendSms' | 'placeCall', details: { status: number | null; code: number | null }) => void;
}

/** The events we ask call status callbacks for: only the final one carries the outcome we need. */
const CALL_EVENTS = ['completed'];

/** The SDK, required on the first send: loading it costs ~0.5 s and ~20 MB, which start-up and readiness need not pay. */
function sdk(): typeof twilio {
  return require('twilio') as typeof twilio;
}

export class TwilioTelephony implements Telephony {
  private sdkClient: twilio.Twilio | undefined;

  constructor(private readonly options: TwilioTelephonyOptions) {}

  private get client(): twilio.Twilio {
    if (this.sdkClient === undefined) {
      const { config } = this.options;
      const httpClient = config.apiBaseUrl ? { httpClient: rebasedRequestClient(sdk(), config.apiBaseUrl) } : {};
      this.sdkClient = sdk()(config.accountSid, config.authToken, httpClient);
    }
    return this.sdkClient;
  }

  async sendSms(message: OutboundSms): Promise<DeliveryReceipt> {
    const { config, publicBaseUrl } = this.options;
    const sender = config.messagingServiceSid !== undefined ? { messagingServiceSid: config.messagingServiceSid } : { from: config.fromNumber! };
    try {
      const created = await this.client.messages.create({
        to: message.to,
        body: message.body,
        ...sender,
        statusCallback: callbackUrl(publicBaseUrl, TWILIO_PATHS.messageStatus, { purpose: message.purpose, locale: message.locale, mode: null }),
      });
      return { ok: true, ref: created.sid };
    } catch (error) {
      return this.refused('sendSms', error);
    }
  }

  async placeCall(call: OutboundCall): Promise<DeliveryReceipt> {
    const { config, publicBaseUrl, answeringMachineDetection } = this.options;
    if (config.fromNumber === undefined) return { ok: false, failure: 'unavailable' };
    const context = { purpose: call.purpose, locale: call.locale, mode: call.mode };
    // Wait a little for the switchboard before dialling the extension ("w" = half a second each).
    const sendDigits = call.extension !== null ? `wwww${call.extension}` : undefined;
    try {
      const created = await this.client.calls.create({
        to: call.to,
        from: config.fromNumber,
        url: callbackUrl(publicBaseUrl, TWILIO_PATHS.voiceAnswer, context),
        method: 'POST',
        statusCallback: callbackUrl(publicBaseUrl, TWILIO_PATHS.callStatus, context),
        statusCallbackMethod: 'POST',
        statusCallbackEvent: CALL_EVENTS,
        // Twilio ignores MachineDetection when SendDigits is set (protocols.md 2.4): do not pretend otherwise.
        ...(sendDigits !== undefined ? { sendDigits } : answeringMachineDetection ? { machineDetection: 'Enable' } : {}),
      });
      return { ok: true, ref: created.sid };
    } catch (error) {
      return this.refused('placeCall', error);
    }
  }

  private refused(operation: 'sendSms' | 'placeCall', error: unknown): DeliveryReceipt {
    const rest = error instanceof sdk().RestException ? error : null;
    this.options.onError?.(operation, { status: rest?.status ?? null, code: rest?.code ?? null });
    return { ok: false, failure: failureForTwilioCode(rest?.code) };
  }
}
