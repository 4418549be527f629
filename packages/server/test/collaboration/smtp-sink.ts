import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

/** One message the sink received: envelope recipients, the raw RFC 822 text and that text with quoted-printable undone. */
export interface ReceivedMail {
  readonly to: readonly string[];
  readonly raw: string;
  /** `raw` with quoted-printable soft breaks and `=XX` escapes decoded (links read as sent). */
  readonly text: string;
}

function undoQuotedPrintable(raw: string): string {
  const bytes = raw.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** A real SMTP server on 127.0.0.1 that keeps what it receives (plain SMTP, no auth). */
export interface SmtpSink {
  readonly url: string;
  readonly received: ReceivedMail[];
  /** Messages addressed to `email`. */
  to(email: string): ReceivedMail[];
  close(): Promise<void>;
}

/** Starts an {@link SmtpSink} on a random port. */
export async function startSmtpSink(): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        received.push({ to: session.envelope.rcptTo.map((r) => r.address.toLowerCase()), raw, text: undoQuotedPrintable(raw) });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.server.address() as AddressInfo;
  return {
    url: `smtp://127.0.0.1:${port}`,
    received,
    to: (email) => received.filter((m) => m.to.includes(email.toLowerCase())),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
