// Serves one PGlite instance to several PostgreSQL client connections over TCP.
//
// PGlite is a single session. @electric-sql/pglite-socket shares it between connections message
// by message, so the Parse of one client's query and the Bind of another's can meet in the one
// session ("bind message supplies 2 parameters, but prepared statement requires 5"). Here the unit
// of sharing is a whole protocol exchange — a simple Query, or every extended-protocol message up
// to its Sync — and a connection that leaves the session inside a transaction keeps it until the
// transaction ends, so no other connection's statement ever lands in it.
//
// That is why Kinga does not depend on pglite-socket: its queue pins a connection only while
// db.isInTransaction(), not for an extended-protocol batch (upstream: electric-sql/pglite#1046,
// "concurrent extended-protocol batches interleave across connections", open; a fix is proposed
// in electric-sql/pglite#977). Once a release fixes it, this file can go back to the package.
import net from 'node:net';
import type { PGlite } from '@electric-sql/pglite';

const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
const CANCEL_REQUEST = 80877102;

interface Unit {
  connection: ClientConnection;
  messages: Uint8Array[];
}

class ClientConnection {
  buffer = Buffer.alloc(0);
  started = false;
  pending: Uint8Array[] = [];
  closed = false;
  constructor(
    readonly id: number,
    readonly socket: net.Socket,
  ) {}
}

export interface PgliteServerOptions {
  host: string;
  port: number;
  maxConnections: number;
}

export class PgliteServer {
  private server: net.Server | undefined;
  private readonly connections = new Set<ClientConnection>();
  private readonly queue: Unit[] = [];
  private running = false;
  /** the connection whose transaction is open in the session, if any */
  private owner: ClientConnection | null = null;
  private nextId = 1;

  constructor(
    private readonly db: PGlite,
    private readonly options: PgliteServerOptions,
  ) {}

  async start(): Promise<number> {
    await this.db.waitReady;
    const server = net.createServer((socket) => this.accept(socket));
    server.maxConnections = this.options.maxConnections;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port, this.options.host, () => resolve());
    });
    return (server.address() as net.AddressInfo).port;
  }

  async stop(): Promise<void> {
    for (const c of this.connections) c.socket.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private accept(socket: net.Socket): void {
    const connection = new ClientConnection(this.nextId++, socket);
    this.connections.add(connection);
    socket.setNoDelay(true);
    socket.on('data', (data) => this.receive(connection, data));
    socket.on('error', () => socket.destroy());
    socket.on('close', () => void this.disconnect(connection));
  }

  private receive(c: ClientConnection, data: Buffer): void {
    c.buffer = Buffer.concat([c.buffer, data]);
    for (;;) {
      if (!c.started) {
        if (c.buffer.length < 8) return;
        const length = c.buffer.readInt32BE(0);
        if (c.buffer.length < length) return;
        const code = c.buffer.readInt32BE(4);
        const packet = c.buffer.subarray(0, length);
        c.buffer = c.buffer.subarray(length);
        if (code === SSL_REQUEST || code === GSSENC_REQUEST) {
          c.socket.write('N'); // no TLS on loopback
          continue;
        }
        if (code === CANCEL_REQUEST) {
          c.socket.destroy();
          return;
        }
        c.started = true;
        this.enqueue({ connection: c, messages: [new Uint8Array(packet)] });
        continue;
      }
      if (c.buffer.length < 5) return;
      const length = 1 + c.buffer.readInt32BE(1);
      if (c.buffer.length < length) return;
      const type = String.fromCharCode(c.buffer[0]!);
      const message = new Uint8Array(c.buffer.subarray(0, length));
      c.buffer = c.buffer.subarray(length);
      if (type === 'X') {
        c.socket.end();
        return;
      }
      c.pending.push(message);
      // A simple Query stands alone; extended-protocol messages run together up to Sync (or Flush).
      if (type === 'Q' || type === 'S' || type === 'H') {
        this.enqueue({ connection: c, messages: c.pending });
        c.pending = [];
      }
    }
  }

  private enqueue(unit: Unit): void {
    this.queue.push(unit);
    void this.drain();
  }

  private async drain(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      for (;;) {
        const index = this.owner ? this.queue.findIndex((u) => u.connection === this.owner) : 0;
        if (index < 0 || this.queue.length === 0) return;
        const [unit] = this.queue.splice(index, 1);
        const c = unit!.connection;
        if (c.closed) continue;
        await this.db.runExclusive(async () => {
          for (const message of unit!.messages) {
            await this.db.execProtocolRawStream(message, {
              onRawData: (chunk) => {
                if (!c.closed && c.socket.writable) c.socket.write(Buffer.from(chunk));
              },
            });
          }
        });
        this.owner = this.db.isInTransaction() ? c : null;
      }
    } catch (err) {
      // A failure of PGlite itself, not of a statement (those are answered on the wire).
      console.error('embedded PostgreSQL: protocol failure', err);
    } finally {
      this.running = false;
    }
  }

  private async disconnect(c: ClientConnection): Promise<void> {
    c.closed = true;
    this.connections.delete(c);
    for (let i = this.queue.length - 1; i >= 0; i--) if (this.queue[i]!.connection === c) this.queue.splice(i, 1);
    if (this.owner === c) {
      // The client went away inside its transaction: undo it and free the session for others.
      await this.db.runExclusive(() => this.db.exec('ROLLBACK')).catch(() => undefined);
      this.owner = null;
    }
    void this.drain();
  }
}
