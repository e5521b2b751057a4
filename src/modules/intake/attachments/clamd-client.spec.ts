import {
  closedPort,
  EICAR,
  startFakeClamd,
  type FakeClamd,
} from '../../../../test/fixtures/attachments/fake-clamd.js';
import { ClamdClient, ScannerUnavailableError } from './clamd-client.js';

describe('ClamdClient (INSTREAM against a fake clamd)', () => {
  let clamd: FakeClamd;
  beforeEach(async () => {
    clamd = await startFakeClamd();
  });
  afterEach(async () => {
    await clamd.close();
  });

  it('reports a clean stream', async () => {
    const client = new ClamdClient('127.0.0.1', clamd.port, 2000);
    await expect(client.scan(Buffer.from('Hallo, das ist ein harmloser Bericht.\n'))).resolves.toBe('clean');
    expect(clamd.scans).toBe(1);
  });

  it('reports the EICAR test string as infected with the signature name', async () => {
    const client = new ClamdClient('127.0.0.1', clamd.port, 2000);
    await expect(client.scan(Buffer.concat([Buffer.from('prefix '), EICAR]))).resolves.toEqual({
      infected: 'Eicar-Test-Signature',
    });
  });

  it('streams large input in several chunks and terminates it', async () => {
    const client = new ClamdClient('127.0.0.1', clamd.port, 5000);
    const big = Buffer.alloc(300 * 1024, 0x61);
    await expect(client.scan(big)).resolves.toBe('clean');
    expect(clamd.bytes).toBe(big.length);
  });

  it('scans an empty buffer (only the terminating zero-length chunk)', async () => {
    const client = new ClamdClient('127.0.0.1', clamd.port, 2000);
    await expect(client.scan(Buffer.alloc(0))).resolves.toBe('clean');
  });

  it('answers ping', async () => {
    await expect(new ClamdClient('127.0.0.1', clamd.port, 2000).ping()).resolves.toBe(true);
  });

  it('throws ScannerUnavailableError when clamd is not listening; ping is false', async () => {
    const port = await closedPort();
    const client = new ClamdClient('127.0.0.1', port, 2000);
    await expect(client.scan(Buffer.from('x'))).rejects.toBeInstanceOf(ScannerUnavailableError);
    await expect(client.ping()).resolves.toBe(false);
  });

  it('throws ScannerUnavailableError after the server has been closed', async () => {
    const client = new ClamdClient('127.0.0.1', clamd.port, 2000);
    await clamd.close();
    await expect(client.scan(Buffer.from('x'))).rejects.toBeInstanceOf(ScannerUnavailableError);
  });

  it('times out when clamd never answers', async () => {
    const silent = await startFakeClamd({ silent: true });
    try {
      const client = new ClamdClient('127.0.0.1', silent.port, 200);
      const started = Date.now();
      await expect(client.scan(Buffer.from('x'))).rejects.toThrow(/did not answer within 200 ms/);
      expect(Date.now() - started).toBeLessThan(2000);
    } finally {
      await silent.close();
    }
  });

  it('treats a size-limit error reply as unavailable (fail closed)', async () => {
    const limited = await startFakeClamd({ streamMaxLength: 1000 });
    try {
      const client = new ClamdClient('127.0.0.1', limited.port, 2000);
      await expect(client.scan(Buffer.alloc(200 * 1024, 0x62))).rejects.toThrow(/size limit exceeded/);
    } finally {
      await limited.close();
    }
  });
});
