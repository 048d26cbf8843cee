// The HTTP face of sign-in verification for relying systems (/api/v1): bearer authentication, request
// validation, and the mapping between the use cases' results and the documented JSON. No rules live here.
import type * as restify from 'restify';
import { z } from 'zod';
import { isIP } from 'node:net';
import { RecordBusyError, StoreUnavailableError } from '../ports/storeErrors';
import { ConcurrentUpdateError } from '../serviceKit/compareAndSet';
import { findForbiddenKey } from '../httpRequests';
import type { ApiClient } from '../domain/apiClient';
import type { SignInUseCases } from '../app/signInUseCases';
import type { StartResult } from '../app/requestSignIn';
import { OPENAPI_DOCUMENT } from './openApiDocument';
import { cutStrings, INPUT_LIMITS } from '../channels/inputLimits';
import { view, type VerificationView } from './verificationView';

export interface VerificationRoutesDeps {
  /** One use case per route, plus the client's authentication and request allowance. */
  readonly useCases: SignInUseCases;
  readonly now: () => number;
  /** http://localhost callbacks, for development and tests only. */
  readonly allowLocalCallbacks: boolean;
}

// The rules below and the OpenAPI schemas (openApiDocument.ts) describe the same set of bodies, and a test checks
// both against one table of examples: lengths are limits on what was sent (in code points, as JSON Schema counts
// them) and "not blank" means at least one non-whitespace character (the schemas' `\S` pattern).
const codePoints = (text: string): number => [...text].length;

/** Text that is not blank and at most `max` code points as sent; handed on trimmed. */
const text = (max: number) =>
  z
    .string()
    .refine((t) => codePoints(t) <= max, `must be at most ${max} characters`)
    .refine((t) => /\S/.test(t), 'must not be blank')
    .transform((t) => t.trim());

/** An IPv4 or IPv6 address as JSON Schema's formats define them (so no IPv6 zone id, which no remote device has). */
const ipAddress = z.string().refine((ip) => isIP(ip) !== 0 && !ip.includes('%'), 'must be an IPv4 or IPv6 address');

export const requestSchema = (allowLocalCallbacks: boolean) => z
  .object({
    user: text(256),
    method: z.enum(['voice', 'sms', 'app', 'teams', 'tap']).optional(),
    context: z
      .object({
        ip: ipAddress.nullable().optional(),
        application: text(100),
        location: z
          .string()
          .refine((t) => codePoints(t) <= 100, 'must be at most 100 characters')
          .transform((t) => t.trim())
          .nullable()
          .optional(),
      })
      .strict(),
    callbackUrl: z
      .string()
      .url()
      .max(2048)
      .refine((u) => /^https:\/\//.test(u) || (allowLocalCallbacks && /^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?\//.test(u)), 'must be an https URL')
      .optional(),
  })
  .strict();

export const codeSchema = z.object({ code: text(64) }).strict();

/** What a 503 for an unreachable store tells clients to wait: about how long a database fail-over takes. */
const UNAVAILABLE_RETRY_AFTER_SECONDS = 30;

type Handler = (req: restify.Request, res: restify.Response, client: ApiClient) => Promise<void>;

export function registerVerificationRoutes(server: restify.Server, deps: VerificationRoutesDeps): void {
  const authed = (handler: Handler): restify.RequestHandler => async (req, res) => {
    try {
      const client = await authenticate(req, deps);
      if (!client) return sendApiError(res, 401, 'unauthorized', 'Missing or invalid bearer credentials.', { 'WWW-Authenticate': 'Bearer realm="signet"' });
      // Query-operator shaped keys never reach a lookup (checked after authentication, so strangers get 401).
      if (findForbiddenKey(req.body) !== undefined) return sendApiError(res, 400, 'forbidden_key', 'The body contains an object key that is not allowed (keys may not start with "$").');
      req.body = cutStrings(req.body, INPUT_LIMITS.apiString);
      await handler(req, res, client);
    } catch (error) {
      // Every 503 says when to come back (RFC 9110 §10.2.3), so clients back off instead of hammering us.
      if (error instanceof StoreUnavailableError) return sendApiError(res, 503, 'unavailable', 'Signet is temporarily unavailable; nothing was changed. Retry later.', { 'Retry-After': String(UNAVAILABLE_RETRY_AFTER_SECONDS) });
      if (error instanceof ConcurrentUpdateError) return sendApiError(res, 503, 'busy', 'The verification kept changing while it was updated; nothing was changed. Retry.', { 'Retry-After': '1' });
      if (error instanceof RecordBusyError) {
        return sendApiError(res, 503, 'busy', 'An earlier change to this verification is still being finished; nothing was changed. Retry after the time given.', {
          'Retry-After': String(Math.max(1, Math.ceil(error.retryAfterMs / 1000))),
        });
      }
      sendApiError(res, 500, 'internal_error', 'An unexpected error occurred; nothing was changed.');
    }
  };

  server.get('/api/v1/openapi.json', (_req, res, next) => {
    res.send(200, OPENAPI_DOCUMENT);
    next();
  });

  server.post('/api/v1/verifications', authed(async (req, res, client) => {
    const limit = await deps.useCases.clientLimiter.take(client.id, deps.now());
    if (!limit.allowed) return sendApiError(res, 429, 'rate_limited', 'Too many verification requests from this client.', { 'Retry-After': String(limit.retryAfterSeconds) });
    const parsed = requestSchema(deps.allowLocalCallbacks).safeParse(req.body);
    if (!parsed.success) return sendApiError(res, 400, 'invalid_request', describeIssues(parsed.error));
    const { user, method, context, callbackUrl } = parsed.data;
    const result = await deps.useCases.requestSignIn.start(client, {
      user,
      ...(method ? { method } : {}),
      context: { ip: context.ip ?? null, application: context.application, location: context.location ?? null },
      ...(callbackUrl ? { callbackUrl } : {}),
    });
    sendStartResult(res, result, deps.now());
  }));

  server.get('/api/v1/verifications/:id', authed(async (req, res, client) => {
    const challenge = await deps.useCases.readSignIn.read(client, String(req.params['id']));
    if (!challenge) return sendApiError(res, 404, 'not_found', 'No such verification.');
    res.send(200, view(challenge));
  }));

  server.post('/api/v1/verifications/:id/code', authed(async (req, res, client) => {
    const parsed = codeSchema.safeParse(req.body);
    if (!parsed.success) return sendApiError(res, 400, 'invalid_request', describeIssues(parsed.error));
    const outcome = await deps.useCases.checkSignInCode.check(client, String(req.params['id']), parsed.data.code);
    if (!outcome) return sendApiError(res, 404, 'not_found', 'No such verification.');
    res.send(200, { ...view(outcome.challenge), ...(outcome.challenge.status === 'pending' ? { attemptsLeft: attemptsLeft(outcome.replies) } : {}) });
  }));
}

async function authenticate(req: restify.Request, deps: VerificationRoutesDeps): Promise<ApiClient | null> {
  const header = req.headers['authorization'];
  const match = typeof header === 'string' ? /^Bearer ([^\s]+)$/.exec(header) : null;
  return match ? deps.useCases.authenticateClient.authenticate(match[1]!) : null;
}

function sendStartResult(res: restify.Response, result: StartResult, now: number): void {
  switch (result.kind) {
    case 'unknownUser':
      // The same answer as any other unknown id: nothing says whether the name exists elsewhere.
      return sendApiError(res, 404, 'not_found', 'No such user.');
    case 'notRequired':
      return void res.send(200, { id: null, status: 'not_required', method: null, expiresAt: null, reason: result.reason } satisfies VerificationView);
    case 'notEnrolled':
      return void res.send(200, {
        id: null,
        status: 'not_enrolled',
        method: null,
        expiresAt: null,
        reason: 'noMfaMethod',
        enroll: 'The person has no sign-in method yet: they can message Signet in Microsoft Teams and say "Set up MFA".',
      } satisfies VerificationView);
    case 'refused':
      return sendApiError(res, 429, result.reason === 'rateLimited' ? 'rate_limited' : result.reason === 'tooManyDenials' ? 'too_many_denials' : 'locked', refusalMessage(result.reason), {
        'Retry-After': String(Math.max(1, Math.ceil((result.until - now) / 1000))),
      });
    case 'methodUnavailable':
      return sendApiError(res, 409, 'method_unavailable', `The person has no way to be verified by "${result.method}".`);
    case 'started':
      return void res.send(201, view(result.challenge));
  }
}

function refusalMessage(reason: 'lockedAfterFailures' | 'tooManyDenials' | 'rateLimited'): string {
  switch (reason) {
    case 'lockedAfterFailures':
      return 'Verifications for this person are locked after repeated failures; the help desk can unlock them.';
    case 'tooManyDenials':
      return 'The person denied several recent requests; further challenges are refused and the help desk has been told.';
    case 'rateLimited':
      return 'Too many verification requests for this person; retry later.';
  }
}

function attemptsLeft(replies: readonly { key: string; params?: Readonly<Record<string, string | number>> }[]): number | undefined {
  const wrong = replies.find((r) => r.key === 'verification.code.wrong');
  const left = wrong?.params?.['attemptsLeft'];
  return typeof left === 'number' ? left : undefined;
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; ');
}

function sendApiError(res: restify.Response, status: number, code: string, message: string, headers: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries(headers)) res.header(name, value);
  res.send(status, { error: { code, message } });
}
