// The JSON error shape every HTTP route answers with, and its stable codes. Kept apart from server.ts so route
// modules that server.ts registers can use it without importing the server back.
import type * as restify from 'restify';

/** The stable `error.code` values of JSON error responses; clients may switch on them. */
export const ERROR_CODES = {
  badRequest: 'bad_request',
  invalidJson: 'invalid_json',
  invalidUtf8: 'invalid_utf8',
  forbiddenKey: 'forbidden_key',
  unauthorized: 'unauthorized',
  notFound: 'not_found',
  methodNotAllowed: 'method_not_allowed',
  payloadTooLarge: 'payload_too_large',
  unsupportedMediaType: 'unsupported_media_type',
  unavailable: 'unavailable',
  internal: 'internal_error',
} as const;
export type ErrorCode = (typeof ERROR_CODES)[keyof typeof ERROR_CODES];

export interface ErrorBody {
  readonly error: { readonly code: ErrorCode; readonly message: string };
}

/** Sends `{ error: { code, message } }`. Messages are fixed texts: request data is never echoed back. */
export function sendError(res: restify.Response, status: number, code: ErrorCode, message: string): void {
  const body: ErrorBody = { error: { code, message } };
  res.send(status, body);
}
