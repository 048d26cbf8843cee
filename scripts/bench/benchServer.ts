// One server for the benchmark, in its own process so its CPU and memory are measured alone:
//   bare   — restify reading a form body and answering fixed TwiML (the floor for an SMS webhook)
//   echo   — a botbuilder echo bot on restify, Bot Framework auth off (the floor for a Teams turn)
//   signet — Signet's own main() with the environment it was given
// The port comes from PORT; the bench waits for /healthz (or Signet's /readyz). With BENCH_PROFILE=<file>, a
// SIGUSR2 (sent by the bench once warm-up is over) starts the V8 profiler and the profile is written on exit, so it
// shows the steady state rather than start-up and JIT warm-up.
// Each kind requires only what it runs, so the baselines' memory is not Signet's.
import type * as Restify from 'restify';

const TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response><Message>Thanks.</Message></Response>';

function listen(server: Restify.Server): void {
  server.get('/healthz', (_req, res, next) => {
    res.send(200, { status: 'ok' });
    next();
  });
  server.listen(Number(process.env['PORT'] ?? 0), '127.0.0.1');
  // Exiting (rather than dying of the signal) lets `node --cpu-prof` write the baseline's profile too.
  process.once('SIGTERM', () => process.exit(0));
}

function bareRestify(): void {
  const restify = require('restify') as typeof Restify;
  const server = restify.createServer({ handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyReader({ maxBodySize: 64 * 1024 }));
  server.post('/api/twilio/sms', (req, res, next) => {
    const fields = new URLSearchParams(String(req.body ?? ''));
    res.sendRaw(200, fields.has('Body') ? TWIML : '<Response/>', { 'Content-Type': 'text/xml; charset=utf-8' });
    next();
  });
  listen(server);
}

function echoBot(): void {
  const restify = require('restify') as typeof Restify;
  const { ActivityHandler, CloudAdapter, ConfigurationBotFrameworkAuthentication } = require('botbuilder') as typeof import('botbuilder');
  const adapter = new CloudAdapter(new ConfigurationBotFrameworkAuthentication({}));
  const bot = new ActivityHandler();
  bot.onMessage(async (context, next) => {
    await context.sendActivity(`You said: ${context.activity.text ?? ''}`);
    await next();
  });
  const server = restify.createServer({ handleUncaughtExceptions: false });
  server.use(restify.plugins.bodyParser({ maxBodySize: 256 * 1024 }));
  server.post('/api/messages', async (req, res) => {
    await adapter.process(req, res, (context) => bot.run(context));
  });
  listen(server);
}

/** A CPU profile of the measured rounds only (see profileOnSignal). */
function profileFromSignal(file: string): void {
  // Loaded only when profiling, so an unprofiled server carries no inspector.
  const { profileOnSignal } = require('./profileOnSignal') as typeof import('./profileOnSignal');
  profileOnSignal(file, {
    start: (session) => session.post('Profiler.enable', () => session.post('Profiler.start')),
    stop: (session, done) =>
      session.post('Profiler.stop', (error, result) => {
        if (!error) done(result.profile);
      }),
  });
}

const profileFile = process.env['BENCH_PROFILE'];
if (profileFile) profileFromSignal(profileFile);

const kind = process.argv[2];
switch (kind) {
  case 'bare':
    bareRestify();
    break;
  case 'echo':
    echoBot();
    break;
  case 'signet':
    void (require('../../src/index') as typeof import('../../src/index')).main(process.env);
    break;
  default:
    process.stderr.write(`unknown server kind: ${String(kind)} (bare | echo | signet)\n`);
    process.exit(2);
}
