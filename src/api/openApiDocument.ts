// The OpenAPI 3.1 description of the verification API, served at /api/v1/openapi.json. Its schemas are plain
// JSON Schema (2020-12), and test/api checks the real responses against them.
const error = { $ref: '#/components/schemas/Error' };
const errorResponse = (description: string) => ({ description, content: { 'application/json': { schema: error } } });
/** Not blank (one non-whitespace character) and at most `max` characters as sent; the server trims it. */
const text = (max: number, description?: string) => ({ type: 'string', minLength: 1, maxLength: max, pattern: '\\S', ...(description ? { description } : {}) }) as const;
const verificationResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/Verification' } } },
});

export const OPENAPI_DOCUMENT = {
  openapi: '3.1.0',
  info: {
    title: 'Signet sign-in verification API',
    version: '1.0.0',
    description:
      'Lets a relying system (portal, VPN, RADIUS bridge) challenge a person at sign-in and read one honest outcome. ' +
      'Authenticate with the bearer secret printed by `npm run clients -- add NAME`.',
  },
  servers: [{ url: '/' }],
  security: [{ bearer: [] }],
  paths: {
    '/api/v1/verifications': {
      post: {
        operationId: 'startVerification',
        summary: 'Challenge a person (or learn that no challenge is needed)',
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/VerificationRequest' } } } },
        responses: {
          '201': verificationResponse('A challenge was started; poll it or wait for the callback.'),
          '200': verificationResponse('No challenge: `not_required` (trusted network) or `not_enrolled` (no MFA method yet).'),
          '400': errorResponse('The request is malformed; `error.message` names the field.'),
          '401': errorResponse('Missing or invalid bearer credentials.'),
          '404': errorResponse('No such user.'),
          '409': errorResponse('The person cannot be verified by the requested method.'),
          '429': errorResponse('Rate limited, locked after failures, or refused after repeated denials; see Retry-After.'),
          '503': errorResponse('Temporarily unavailable or busy; nothing was changed. Retry after the Retry-After header\'s seconds.'),
        },
        callbacks: {
          outcome: {
            '{$request.body#/callbackUrl}': {
              post: {
                summary: 'The outcome, POSTed once when the challenge ends; retried with back-off until a 2xx',
                parameters: [
                  {
                    name: 'Signet-Signature',
                    in: 'header',
                    required: true,
                    description: '`t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">` keyed with the client\'s callback signing key.',
                    schema: { type: 'string' },
                  },
                ],
                requestBody: { content: { 'application/json': { schema: { $ref: '#/components/schemas/Verification' } } } },
                responses: { '200': { description: 'Received.' } },
              },
            },
          },
        },
      },
    },
    '/api/v1/verifications/{id}': {
      get: {
        operationId: 'getVerification',
        summary: "Read a challenge's status",
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        responses: {
          '200': verificationResponse('The challenge.'),
          '401': errorResponse('Missing or invalid bearer credentials.'),
          '404': errorResponse("No such verification (or another client's)."),
          '503': errorResponse('Temporarily unavailable; nothing was changed. Retry after the Retry-After header\'s seconds.'),
        },
      },
    },
    '/api/v1/verifications/{id}/code': {
      post: {
        operationId: 'submitCode',
        summary: 'Answer an sms, voice (read-code), app or tap challenge with what the person typed',
        parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }],
        requestBody: { required: true, content: { 'application/json': { schema: { $ref: '#/components/schemas/CodeRequest' } } } },
        responses: {
          '200': verificationResponse('The challenge after the answer; `attemptsLeft` when still pending.'),
          '400': errorResponse('The request is malformed.'),
          '401': errorResponse('Missing or invalid bearer credentials.'),
          '404': errorResponse('No such verification.'),
          '503': errorResponse('Temporarily unavailable or busy; nothing was changed. Retry after the Retry-After header\'s seconds.'),
        },
      },
    },
  },
  components: {
    securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    schemas: {
      VerificationRequest: {
        type: 'object',
        additionalProperties: false,
        required: ['user', 'context'],
        properties: {
          user: text(256, 'UPN or directory object id.'),
          method: { enum: ['voice', 'sms', 'app', 'teams', 'tap'], description: "Defaults to the person's default method." },
          context: {
            type: 'object',
            additionalProperties: false,
            required: ['application'],
            properties: {
              ip: {
                anyOf: [{ type: 'string', format: 'ipv4' }, { type: 'string', format: 'ipv6' }, { type: 'null' }],
                description: 'The signing-in device (IPv4 or IPv6, no zone id); an address in a trusted network needs no challenge.',
              },
              application: text(100),
              location: { type: ['string', 'null'], maxLength: 100 },
            },
          },
          callbackUrl: { type: 'string', format: 'uri', maxLength: 2048, description: 'https URL to receive the outcome once, signed.' },
        },
      },
      CodeRequest: {
        type: 'object',
        additionalProperties: false,
        required: ['code'],
        properties: { code: text(64, 'What the person typed; surrounding whitespace is ignored.') },
      },
      Verification: {
        type: 'object',
        additionalProperties: false,
        required: ['id', 'status', 'method', 'expiresAt'],
        properties: {
          id: { type: ['string', 'null'] },
          status: { enum: ['pending', 'approved', 'denied', 'expired', 'failed', 'not_required', 'not_enrolled'] },
          method: { type: ['string', 'null'], enum: ['voice', 'sms', 'app', 'teams', 'tap', null] },
          expiresAt: { type: ['string', 'null'], format: 'date-time' },
          reason: { type: 'string', description: 'Why it ended (e.g. codeAccepted, deniedByUser, wrongNumberChosen, expired, busy) or why none was needed.' },
          numberToEnter: { type: 'integer', description: 'Teams number matching: show this number on the sign-in screen.' },
          attemptsLeft: { type: 'integer' },
          enroll: { type: 'string', description: 'How a person who is not enrolled can enroll.' },
        },
      },
      Error: {
        type: 'object',
        additionalProperties: false,
        required: ['error'],
        properties: {
          error: {
            type: 'object',
            additionalProperties: false,
            required: ['code', 'message'],
            properties: { code: { type: 'string' }, message: { type: 'string' } },
          },
        },
      },
    },
  },
} as const;
