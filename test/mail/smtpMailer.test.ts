// The SMTP mailer: a message goes out through nodemailer with the configured From; a refusal or an outage is a
// receipt (never an exception), and the configuration asks for SMTP_FROM whenever SMTP_URL is set.
import nodemailer, { type Transporter } from 'nodemailer';
import { SmtpMailer } from '../../src/mail/smtpMailer';
import { loadConfig } from '../../src/config/loadConfig';

const mail = { to: 'jane@home.example', subject: 'Your code', text: 'Your code is 482913', locale: 'en-GB', purpose: { kind: 'enrollment', userId: 'u1', refId: 'e1' } } as const;

function failingTransport(error: Error & { responseCode?: number }): Transporter {
  return { sendMail: async () => Promise.reject(error) } as unknown as Transporter;
}

describe('SmtpMailer', () => {
  it('when nodemailer accepts the message, then it carries the From, To, subject and text and the receipt has its id', async () => {
    const transport = nodemailer.createTransport({ jsonTransport: true });
    const sent: unknown[] = [];
    const spy: Transporter = { sendMail: async (m: nodemailer.SendMailOptions) => { const info = await transport.sendMail(m); sent.push(JSON.parse(String(info.message))); return info; } } as unknown as Transporter;
    const receipt = await new SmtpMailer({ url: 'smtp://unused', from: 'Signet <signet@school.example>' }, spy).sendMail(mail);
    expect(receipt).toEqual({ ok: true, ref: expect.any(String) });
    expect(sent[0]).toMatchObject({ from: { address: 'signet@school.example' }, to: [{ address: 'jane@home.example' }], subject: 'Your code', text: 'Your code is 482913' });
  });

  it.each([
    ['a permanent refusal (550)', Object.assign(new Error('mailbox unavailable'), { responseCode: 550 }), 'failed'],
    ['a temporary one (421)', Object.assign(new Error('try later'), { responseCode: 421 }), 'unavailable'],
    ['a connection failure', new Error('ECONNREFUSED'), 'unavailable'],
  ] as const)('when the server gives %s, then the receipt says %s', async (_what, error, failure) => {
    const receipt = await new SmtpMailer({ url: 'smtp://unused', from: 's@school.example' }, failingTransport(error)).sendMail(mail);
    expect(receipt).toEqual({ ok: false, failure });
  });

  it('when SMTP_URL is set without SMTP_FROM, then the configuration says so; with both, smtp is configured', () => {
    expect(() => loadConfig({ SMTP_URL: 'smtp://user:pw@mail.example:587' })).toThrow(/SMTP_FROM: is required/);
    expect(() => loadConfig({ SMTP_URL: 'http://mail.example' , SMTP_FROM: 'a@b.example' })).toThrow(/SMTP_URL: must start with smtp/);
    expect(loadConfig({ SMTP_URL: 'smtps://mail.example', SMTP_FROM: 'Signet <s@school.example>' }).smtp).toEqual({ url: 'smtps://mail.example', from: 'Signet <s@school.example>' });
    expect(loadConfig({}).smtp).toBeUndefined();
  });
});
