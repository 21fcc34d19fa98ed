// A fault-injecting HTTPS reverse proxy in front of one of the stack's registries, for pulls that meet a
// registry answering 5xx, dropping connections, never answering, or sending blobs slowly. It listens on 127.0.0.1 (random port) with a certificate
// for 127.0.0.1 signed by the stack's CA, so dockerd trusts it once the CA is in its certs.d folder.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Transform } from 'node:stream';
import type { Stack } from './stack';

/** `stall`: the request is held open, unanswered, until the proxy closes (a registry that hangs). */
export type RegistryFault = 'status-503' | 'drop' | 'stall';

export interface FlakyRegistry {
  /** `127.0.0.1:<port>`: the registry host to put in image references. */
  host: string;
  /** Answers the next `count` (may be Infinity) manifest or blob requests with `fault`, not forwarding them. */
  failNext(count: number, fault: RegistryFault): void;
  /** Sends blobs at most this fast (bytes per second), like a slow link; null = as fast as they come. */
  throttle(bytesPerSecond: number | null): void;
  /** Requests seen so far (all paths), and those answered with a fault. */
  readonly requests: number;
  readonly failed: number;
  /** Stops listening and removes dockerd's trust for it. */
  close(): Promise<void>;
}

// Pulls fetch these; `/v2/` (the login and auth probe) always goes through.
const PULL_PATH = /^\/v2\/.+\/(manifests|blobs)\//;
const BLOB_PATH = /^\/v2\/.+\/blobs\//;

/** Passes chunks on no faster than `bytesPerSecond`, in slices of a tenth of a second's worth. */
function paced(bytesPerSecond: number): Transform {
  const slice = Math.max(1, Math.floor(bytesPerSecond / 10));
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      const parts: Buffer[] = [];
      for (let at = 0; at < chunk.length; at += slice) parts.push(chunk.subarray(at, at + slice));
      const next = () => {
        const part = parts.shift();
        if (!part) return done();
        this.push(part);
        setTimeout(next, (part.length / bytesPerSecond) * 1000);
      };
      next();
    },
  });
}

/** A key and a certificate for IP 127.0.0.1 signed by the stack's CA; the key file never outlives this. */
function loopbackCertificate(stack: Stack): { key: Buffer; cert: Buffer } {
  const dir = mkdtempSync(path.join(tmpdir(), 'dockhand-flaky-tls-'));
  try {
    const key = path.join(dir, 'key.pem');
    const csr = path.join(dir, 'req.csr');
    const cert = path.join(dir, 'cert.pem');
    const ext = path.join(dir, 'ext.cnf');
    writeFileSync(ext, 'subjectAltName=IP:127.0.0.1\n');
    execFileSync('openssl', ['genrsa', '-out', key, '2048'], { stdio: 'ignore' });
    execFileSync('openssl', ['req', '-new', '-key', key, '-subj', '/CN=127.0.0.1', '-out', csr], {
      stdio: 'ignore',
    });
    // -set_serial: leave the stack's ca.srl alone.
    execFileSync(
      'openssl',
      [
        'x509',
        '-req',
        '-in',
        csr,
        '-CA',
        stack.caFile,
        '-CAkey',
        path.join(path.dirname(stack.caFile), 'ca.key'),
        '-set_serial',
        `0x${randomBytes(8).toString('hex')}`,
        '-days',
        '1',
        '-extfile',
        ext,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
    return { key: readFileSync(key), cert: readFileSync(cert) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Starts the proxy in front of `upstream` (a stack registry host name) and makes dockerd trust it. */
export async function startFlakyRegistry(stack: Stack, upstream: string): Promise<FlakyRegistry> {
  const ca = readFileSync(stack.caFile);
  let faultsLeft = 0;
  let faultKind: RegistryFault = 'status-503';
  let requests = 0;
  let failed = 0;
  let rate: number | null = null;
  const server = https.createServer(loopbackCertificate(stack), (req, res) => {
    requests++;
    const fault = faultsLeft > 0 && PULL_PATH.test(req.url ?? '') ? faultKind : undefined;
    if (fault) {
      faultsLeft--;
      failed++;
    }
    if (fault === 'drop') return void req.socket.destroy();
    if (fault === 'stall') return;
    if (fault === 'status-503') {
      res.writeHead(503, { 'content-type': 'text/plain' });
      return void res.end('injected: service unavailable\n');
    }
    const forward = https.request(
      {
        host: upstream,
        port: 443,
        servername: upstream,
        ca,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream },
      },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        if (rate !== null && BLOB_PATH.test(req.url ?? '')) answer.pipe(paced(rate)).pipe(res);
        else answer.pipe(res);
      },
    );
    forward.on('error', () => req.socket.destroy());
    req.pipe(forward);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const certsDir = path.join('/etc/docker/certs.d', host);
  mkdirSync(certsDir, { recursive: true });
  writeFileSync(path.join(certsDir, 'ca.crt'), ca);
  return {
    host,
    throttle: (bytesPerSecond) => {
      rate = bytesPerSecond;
    },
    failNext: (count, fault) => {
      faultsLeft = count;
      faultKind = fault;
    },
    get requests() {
      return requests;
    },
    get failed() {
      return failed;
    },
    close: async () => {
      rmSync(certsDir, { recursive: true, force: true });
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
