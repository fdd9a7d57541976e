// Loopback receivers for the notification channels, for tests only: a webhook endpoint whose
// answers a test scripts (status codes, holding a request until released), and an SMTP server
// (the smtp-server package) that keeps every message and can refuse recipients.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedWebhook {
  headers: IncomingMessage['headers'];
  raw: string;
  body: any;
}

export interface WebhookReceiver {
  url: string;
  received: ReceivedWebhook[];
  /** the status of the next answers, in order; 200 once the list is used up */
  script(statuses: number[]): void;
  /** answer every request with this status from now on (null: back to 200) */
  always(status: number | null): void;
  /** hold every request (unanswered) until release() */
  hold(): void;
  release(): void;
  /** requests waiting for release() */
  held(): number;
  stop(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  let scripted: number[] = [];
  let fixed: number | null = null;
  let gate: { promise: Promise<void>; open: () => void } | null = null;
  let waiting = 0;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void (async () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        if (gate) {
          waiting += 1;
          await gate.promise;
          waiting -= 1;
        }
        const status = scripted.length ? scripted.shift()! : (fixed ?? 200);
        if (status < 300) {
          let body: unknown = raw;
          try {
            body = JSON.parse(raw);
          } catch {
            /* not JSON: kept raw */
          }
          received.push({ headers: req.headers, raw, body });
        }
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(status < 300 ? { ok: true } : { error: `scripted ${status}` }));
      })();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks/kinga`,
    received,
    script: (statuses) => {
      scripted = [...statuses];
    },
    always: (status) => {
      fixed = status;
    },
    hold: () => {
      let open!: () => void;
      const promise = new Promise<void>((r) => (open = r));
      gate = { promise, open };
    },
    release: () => {
      gate?.open();
      gate = null;
    },
    held: () => waiting,
    stop: () =>
      new Promise<void>((resolve) => {
        gate?.open();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

export interface ReceivedMail {
  from: string;
  to: string[];
  raw: string;
}

export interface SmtpReceiver {
  url: string;
  user: string;
  password: string;
  messages: ReceivedMail[];
  /** refuse these recipients with 550 */
  refuse(addresses: string[]): void;
  stop(): Promise<void>;
}

export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const user = 'kinga';
  const password = 'smtp-pass-7f1e2d';
  const messages: ReceivedMail[] = [];
  let refused = new Set<string>();
  const server = new SMTPServer({
    secure: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authMethods: ['PLAIN', 'LOGIN'],
    logger: false,
    onAuth(auth, _session, callback) {
      if (auth.username === user && auth.password === password) callback(null, { user });
      else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onRcptTo(address, _session, callback) {
      if (refused.has(address.address)) callback(Object.assign(new Error(`mailbox ${address.address} unavailable`), { responseCode: 550 }));
      else callback();
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://${user}:${password}@127.0.0.1:${port}`,
    user,
    password,
    messages,
    refuse: (addresses) => {
      refused = new Set(addresses);
    },
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
