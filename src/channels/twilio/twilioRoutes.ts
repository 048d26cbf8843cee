// The Twilio webhook routes: signature check → parse → the shared handler → TwiML. Without an auth token
// (simulated telephony) nothing can be verified, so they answer 403; the development routes then play the
// phone's side through the very same handlers (outside production only).
import { randomUUID } from 'node:crypto';
import type * as restify from 'restify';
import type { SimulatedPhone } from '../../app/simulatedPhone';
import type { ReadRequest } from '../../httpRequests';
import { callbackQuery, TWILIO_PATHS } from '../../config/callbackUrls';
import { twilioSignatureCheck, type SignedFields } from './twilioSignature';
import type { TwilioWebhooks, WebhookParams } from './twilioWebhooks';

export interface TwilioRouteDeps {
  readonly webhooks: TwilioWebhooks;
  /** undefined: simulated telephony; the public routes refuse everything. */
  readonly authToken: string | undefined;
  readonly publicBaseUrl: string;
  /** What the simulated telephony sent, when the development routes are on. */
  readonly devOutbox?: SimulatedPhone;
}

const XML = { 'Content-Type': 'text/xml; charset=utf-8' };

export function registerTwilioRoutes(server: restify.Server, deps: TwilioRouteDeps): void {
  const isSigned = deps.authToken === undefined ? undefined : twilioSignatureCheck(deps.authToken, deps.publicBaseUrl);
  const signed =
    (handle: (req: restify.Request, params: Record<string, string>) => Promise<string>): restify.RequestHandler =>
    async (req: ReadRequest, res) => {
      const fields = signedFields(req);
      const signature = req.header('X-Twilio-Signature') || undefined;
      if (isSigned === undefined || !isSigned(signature, req.url ?? '', fields)) {
        res.sendRaw(403, 'Twilio request validation failed.', { 'Content-Type': 'text/plain; charset=utf-8' });
        return;
      }
      // readBody's parsed form already holds the last value of each field: no second copy of the form.
      res.sendRaw(200, await handle(req, req.formFields !== undefined ? (req.body as Record<string, string>) : lastValues(fields)), XML);
    };

  server.post(TWILIO_PATHS.sms, signed((_req, params) => deps.webhooks.sms(params)));
  server.post('/api/twilio/voice/:step', signed((req, params) => deps.webhooks.voice(String(req.params['step']), queryOf(req), params)));
  server.post('/api/twilio/status/:kind', signed((req, params) => deps.webhooks.status(String(req.params['kind']), queryOf(req), params)));

  if (deps.devOutbox) registerDevRoutes(server, deps.webhooks, deps.devOutbox);
}

/** Development only: list what was "sent", text back, and answer, press keys on or end a simulated call. */
function registerDevRoutes(server: restify.Server, webhooks: TwilioWebhooks, outbox: SimulatedPhone): void {
  server.get('/api/dev/telephony/outbox', async (_req, res) => {
    res.send(200, { items: await outbox.sent(50) });
  });

  server.post('/api/dev/telephony/sms', async (req, res) => {
    const body = jsonObject(req.body);
    if (typeof body['from'] !== 'string' || typeof body['body'] !== 'string') {
      res.send(400, { error: { code: 'bad_request', message: 'Send {"from": "+1…", "body": "…"}.' } });
      return;
    }
    const sid = `SMdev${randomUUID().replace(/-/g, '')}`;
    res.sendRaw(200, await webhooks.sms({ MessageSid: sid, From: body['from'], Body: body['body'] }), XML);
  });

  server.post('/api/dev/telephony/calls/:ref/:step', async (req, res) => {
    const item = await outbox.call(String(req.params['ref']));
    const step = String(req.params['step']);
    if (!item || !['answer', 'key', 'status'].includes(step)) {
      res.send(404, { error: { code: 'not_found', message: 'No such simulated call or step (answer, key, status).' } });
      return;
    }
    const body = jsonObject(req.body);
    const text = (name: string): string | undefined => (typeof body[name] === 'string' ? (body[name] as string) : undefined);
    const query = new URLSearchParams(
      callbackQuery({ purpose: item.purpose, locale: item.locale, mode: item.mode }, text('attempt') !== undefined ? { attempt: text('attempt')! } : {}),
    );
    const params: WebhookParams = { CallSid: item.ref, Digits: text('digits'), AnsweredBy: text('answeredBy'), CallStatus: text('status') };
    const xml = step === 'status' ? await webhooks.status('call', query, params) : await webhooks.voice(step, query, params);
    res.sendRaw(200, xml, XML);
  });
}

function queryOf(req: restify.Request): URLSearchParams {
  const url = req.url ?? '';
  const at = url.indexOf('?');
  return new URLSearchParams(at < 0 ? '' : url.slice(at + 1));
}

/** Every field as received, repeated names kept as arrays: Twilio signs them all (protocols.md 1.1, 1.4). */
function signedFields(req: ReadRequest): SignedFields {
  // readBody has parsed a form body already; only a body read some other way is parsed here.
  if (req.formFields !== undefined) return req.formFields;
  if (req.rawBody === undefined) return formFields(req.body);
  // No prototype: a field named "__proto__" is a field like any other (and signed like one).
  const fields = Object.create(null) as Record<string, string | string[]>;
  for (const [name, value] of new URLSearchParams(req.rawBody)) {
    const seen = fields[name];
    if (seen === undefined) fields[name] = value;
    else if (typeof seen === 'string') fields[name] = [seen, value];
    else seen.push(value);
  }
  return fields;
}

/** One value per field, the last of a repeated name (as the parsed body has it): what the handlers read. */
function lastValues(fields: SignedFields): Record<string, string> {
  const params = Object.create(null) as Record<string, string>;
  for (const name of Object.keys(fields)) {
    const value = fields[name]!;
    params[name] = typeof value === 'string' ? value : value[value.length - 1]!;
  }
  return params;
}

function formFields(body: unknown): Record<string, string> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return {};
  return Object.fromEntries(Object.entries(body as Record<string, unknown>).filter((e): e is [string, string] => typeof e[1] === 'string'));
}

function jsonObject(body: unknown): Record<string, unknown> {
  return body !== null && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}
