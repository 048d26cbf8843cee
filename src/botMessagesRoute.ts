// POST /api/messages: hands a Bot Framework activity to the adapter with our own error handling instead of
// CloudAdapter.process's, which console.error()s a raw multi-line stack and echoes the error text to the caller.
// Here a refused sender costs one JSON log line (never the Authorization header) and gets our 401 error shape.
import type * as restify from 'restify';
import type { Activity, CloudAdapter, InvokeResponse, TurnContext } from 'botbuilder';
import type { Logger } from './logging/logger';
import { ERROR_CODES, sendError } from './httpErrors';

/** What runs a turn: an ActivityHandler, or a stand-in that builds one on the first turn. */
export interface TurnRunner {
  run(context: TurnContext): Promise<void>;
}

export interface BotMessagesDeps {
  /** Called on each request: the adapter (and botbuilder with it) may be made on the first turn. */
  readonly adapter: () => CloudAdapter;
  readonly handler: TurnRunner;
  readonly logger: Logger;
}

export function botMessagesHandler(deps: BotMessagesDeps): restify.RequestHandler {
  return async (req, res) => {
    // botbuilder throws (a 500 and an error log) on a body without a string `type`; that is the sender's fault.
    const activity: unknown = req.body;
    if (activity === null || typeof activity !== 'object' || Array.isArray(activity) || typeof (activity as { type?: unknown }).type !== 'string') {
      sendError(res, 400, ERROR_CODES.badRequest, 'The body is not a Bot Framework activity.');
      return;
    }
    const header = req.headers['authorization'];
    try {
      const invoke = await (deps.adapter() as unknown as ActivityProcessor).processActivity(
        typeof header === 'string' ? header : '',
        reviveTimestamps(activity as Record<string, unknown>),
        (context) => deps.handler.run(context),
      );
      res.status(invoke?.status ?? 200);
      if (invoke?.body !== undefined && invoke.body !== null) res.send(invoke.body);
      res.end();
    } catch (error) {
      if (isAuthenticationError(error)) {
        deps.logger.warn('bot framework request refused', { status: 401, reason: error.message.slice(0, 200) });
        sendError(res, 401, ERROR_CODES.unauthorized, 'The request is not authorized.');
        return;
      }
      deps.logger.error('bot framework request failed', { error });
      if (!res.headersSent) sendError(res, 500, ERROR_CODES.internal, 'Something went wrong on our side. Nothing was changed.');
    }
  };
}

/**
 * The step of CloudAdapter.process that authenticates and runs the turn. TypeScript marks it protected, but it is
 * the one documented seam below process(); calling it is what lets us own the error handling.
 */
interface ActivityProcessor {
  processActivity(authHeader: string, activity: Activity, logic: (context: TurnContext) => Promise<void>): Promise<InvokeResponse | undefined>;
}

/** botframework-connector's AuthenticationError (not a dependency of ours, so recognised by its class name). */
function isAuthenticationError(error: unknown): error is Error {
  return error instanceof Error && error.constructor.name === 'AuthenticationError';
}

/** What CloudAdapter.process does before a turn: the wire's timestamp strings become Dates (raw copies kept). */
function reviveTimestamps(activity: Record<string, unknown>): Activity {
  for (const [field, raw] of [
    ['timestamp', 'rawTimestamp'],
    ['expiration', 'rawExpiration'],
    ['localTimestamp', 'rawLocalTimestamp'],
  ] as const) {
    const value = activity[field];
    if (typeof value === 'string') {
      activity[raw] = value;
      activity[field] = new Date(value);
    }
  }
  return activity as unknown as Activity;
}
