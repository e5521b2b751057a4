import { createConnection } from 'node:net';

/** clamd could not be reached, did not answer in time, or answered something we do not understand. */
export class ScannerUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ScannerUnavailableError';
  }
}

export type ScanResult = 'clean' | { infected: string };

const CHUNK_SIZE = 64 * 1024;

/**
 * Minimal clamd client for the INSTREAM command over TCP: `zINSTREAM\0`, then chunks each prefixed with
 * their length as a 4-byte big-endian integer, then a zero length. clamd answers `stream: OK\0` or
 * `stream: <signature> FOUND\0`. Anything else (e.g. "INSTREAM size limit exceeded. ERROR"), a refused
 * connection or a timeout throws ScannerUnavailableError, so callers can fail closed.
 */
export class ClamdClient {
  constructor(
    readonly host: string,
    readonly port: number,
    readonly timeoutMs = 15_000,
  ) {}

  async scan(buf: Buffer): Promise<ScanResult> {
    const frames: Buffer[] = [Buffer.from('zINSTREAM\0', 'latin1')];
    for (let i = 0; i < buf.length; i += CHUNK_SIZE) {
      const chunk = buf.subarray(i, i + CHUNK_SIZE);
      const length = Buffer.alloc(4);
      length.writeUInt32BE(chunk.length);
      frames.push(length, chunk);
    }
    frames.push(Buffer.alloc(4)); // zero-length chunk ends the stream
    const reply = await this.exchange(frames);
    if (reply === 'stream: OK') return 'clean';
    const found = /^stream: (.+) FOUND$/.exec(reply);
    if (found) return { infected: found[1] };
    throw new ScannerUnavailableError(`unexpected clamd reply: ${reply.slice(0, 120)}`);
  }

  /** true when clamd answers PING with PONG in time. Never throws. */
  async ping(): Promise<boolean> {
    try {
      return (await this.exchange([Buffer.from('zPING\0', 'latin1')])) === 'PONG';
    } catch {
      return false;
    }
  }

  /** Sends the frames and resolves with the NUL-terminated reply (without the terminator). */
  private exchange(frames: Buffer[]): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const received: Buffer[] = [];
      let settled = false;
      const socket = createConnection({ host: this.host, port: this.port });
      const finish = (error: Error | null, reply?: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.destroy();
        if (error) reject(error);
        else resolve(reply ?? '');
      };
      const replyText = () => {
        const text = Buffer.concat(received).toString('utf8');
        const nul = text.indexOf('\0');
        return (nul >= 0 ? text.slice(0, nul) : text).trim();
      };
      const timer = setTimeout(
        () => finish(new ScannerUnavailableError(`clamd did not answer within ${this.timeoutMs} ms`)),
        this.timeoutMs,
      );
      socket.on('connect', () => {
        for (const frame of frames) socket.write(frame);
      });
      socket.on('data', (chunk: Buffer) => {
        received.push(chunk);
        if (chunk.includes(0)) finish(null, replyText());
      });
      // clamd may close the connection early (e.g. stream size limit) after answering: use the answer.
      socket.on('end', () => {
        if (received.length > 0) finish(null, replyText());
        else finish(new ScannerUnavailableError('clamd closed the connection without an answer'));
      });
      socket.on('error', (err: NodeJS.ErrnoException) => {
        if (received.length > 0) finish(null, replyText());
        else finish(new ScannerUnavailableError(`clamd unreachable (${err.code ?? 'error'})`));
      });
      socket.on('close', () => finish(new ScannerUnavailableError('clamd connection closed')));
    });
  }
}
