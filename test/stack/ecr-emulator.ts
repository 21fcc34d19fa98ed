// A local emulator of ECR's GetAuthorizationToken (private `ecr` and `ecr-public`), speaking the real
// AWS JSON 1.1 wire protocol so the real AWS SDK can talk to it through AWS_ENDPOINT_URL_ECR[_PUBLIC].
// Its tokens decode to the test registry's real password, so AWS SDK -> emulator -> token -> docker ->
// registry is one real chain. Faults are switched at run time; every request is recorded.
import { appendFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

const PRIVATE_TARGET = 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken';
const PUBLIC_TARGET = 'SpencerFrontendService.GetAuthorizationToken';

/**
 * Hostile or broken answers: 'hang' reads the request and never answers; 'stall-body' sends the status
 * and headers and part of the body, then nothing; 'reflect-token' denies with a message quoting the
 * request's session token; 'wrong-endpoint' hands out a token whose proxyEndpoint is another registry.
 */
export type FaultMode =
  'none' | 'deny' | 'throttle' | 'server-error' | 'hang' | 'stall-body' | 'reflect-token' | 'wrong-endpoint';

export interface Faults {
  /** What the next requests get. */
  mode: FaultMode;
  /** How many requests get `mode` before it reverts to 'none'; unlimited when absent. */
  count?: number;
  /** Added before every answer. */
  delayMs?: number;
  /** Lifetime of tokens handed out from now on (ECR's is 12 h). */
  tokenLifetimeSeconds?: number;
}

export interface RecordedRequest {
  time: string;
  target: string;
  service: string;
  region: string;
  accessKeyId: string;
  registryIds: string[];
  status: number;
}

export interface EmulatorOptions {
  /** Registry password every private token decodes to (`AWS:<password>`). */
  password: string;
  /** Password of ECR Public tokens; the private one when absent. */
  publicPassword?: string;
  /** Accounts the emulator knows; any 12-digit account when absent. */
  accounts?: string[];
  port?: number;
  /** Append every request as a JSON line here, for tests in other processes. */
  requestLog?: string;
}

export interface EcrEmulator {
  url: string;
  port: number;
  requests: RecordedRequest[];
  setFaults(faults: Faults): void;
  reset(): void;
  close(): Promise<void>;
}

interface Answer {
  status: number;
  body: unknown;
}

const DEFAULT_LIFETIME = 12 * 3600;

export async function startEcrEmulator(options: EmulatorOptions): Promise<EcrEmulator> {
  let faults: Faults = { mode: 'none' };
  const requests: RecordedRequest[] = [];
  const hanging = new Set<ServerResponse>();

  function tokenFor(password: string): { authorizationToken: string; expiresAt: number } {
    const lifetime = faults.tokenLifetimeSeconds ?? DEFAULT_LIFETIME;
    return {
      authorizationToken: Buffer.from(`AWS:${password}`).toString('base64'),
      expiresAt: Math.round(Date.now() + lifetime * 1000) / 1000,
    };
  }

  function consumeFault(): FaultMode {
    const mode = faults.mode;
    if (mode !== 'none' && faults.count !== undefined) {
      faults.count -= 1;
      if (faults.count <= 0) faults = { ...faults, mode: 'none', count: undefined };
    }
    return mode;
  }

  function answer(
    target: string,
    scope: Scope,
    body: Record<string, unknown>,
    sessionToken: string,
  ): Answer | 'hang' | 'stall-body' {
    if (target !== PRIVATE_TARGET && target !== PUBLIC_TARGET) {
      return awsError(400, 'UnknownOperationException', `unknown operation ${target || '(no X-Amz-Target)'}`);
    }
    const wantService = target === PRIVATE_TARGET ? 'ecr' : 'ecr-public';
    if (scope.service !== wantService) {
      return awsError(
        400,
        'InvalidSignatureException',
        `credential scope names service '${scope.service}', expected '${wantService}'`,
      );
    }
    if (target === PUBLIC_TARGET && scope.region !== 'us-east-1') {
      return awsError(
        400,
        'InvalidSignatureException',
        `ECR Public is only in us-east-1, not '${scope.region}'`,
      );
    }
    const registryIds = Array.isArray(body.registryIds) ? body.registryIds.map(String) : [];
    let proxyAccount: string | undefined;
    switch (consumeFault()) {
      case 'deny':
        return awsError(
          400,
          'AccessDeniedException',
          `User: arn:aws:iam::${registryIds[0] ?? '123456789012'}:user/ci is not authorized to perform: ecr:GetAuthorizationToken on resource: * because no identity-based policy allows the ecr:GetAuthorizationToken action`,
        );
      case 'throttle':
        return awsError(400, 'ThrottlingException', 'Rate exceeded');
      case 'server-error':
        return awsError(500, 'ServerException', 'We encountered an internal error. Please try again.');
      case 'hang':
        return 'hang';
      case 'stall-body':
        return 'stall-body';
      case 'reflect-token':
        return awsError(
          400,
          'UnrecognizedClientException',
          `The security token included in the request is invalid: ${sessionToken}`,
        );
      case 'wrong-endpoint':
        proxyAccount = '999999999999';
        break;
      case 'none':
        break;
    }
    if (target === PUBLIC_TARGET) {
      return {
        status: 200,
        body: { authorizationData: tokenFor(options.publicPassword ?? options.password) },
      };
    }
    const unknown = registryIds.find(
      (id) => !/^\d{12}$/.test(id) || (options.accounts && !options.accounts.includes(id)),
    );
    if (unknown !== undefined) {
      return awsError(
        400,
        'InvalidParameterException',
        `Invalid parameter at 'registryIds' failed to satisfy constraint: '${unknown}'`,
      );
    }
    const accounts = registryIds.length > 0 ? registryIds : [options.accounts?.[0] ?? '123456789012'];
    return {
      status: 200,
      body: {
        authorizationData: accounts.map((account) => ({
          ...tokenFor(options.password),
          proxyEndpoint: `https://${proxyAccount ?? account}.dkr.ecr.${scope.region}.amazonaws.com`,
        })),
      },
    };
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const raw = await readBody(req);
    const url = req.url ?? '/';
    if (url.startsWith('/_emulator/')) return control(url, req.method ?? 'GET', raw, res);

    const target = String(req.headers['x-amz-target'] ?? '');
    const scope = parseScope(String(req.headers.authorization ?? ''));
    let body: Record<string, unknown> = {};
    let result: Answer | 'hang' | 'stall-body';
    try {
      body = raw.length > 0 ? (JSON.parse(raw) as Record<string, unknown>) : {};
      result = answer(target, scope, body, String(req.headers['x-amz-security-token'] ?? ''));
    } catch {
      result = awsError(400, 'SerializationException', 'request body is not JSON');
    }
    const record: RecordedRequest = {
      time: new Date().toISOString(),
      target,
      service: scope.service,
      region: scope.region,
      accessKeyId: scope.accessKeyId,
      registryIds: Array.isArray(body.registryIds) ? body.registryIds.map(String) : [],
      status: typeof result === 'string' ? 0 : result.status,
    };
    requests.push(record);
    if (options.requestLog) appendFileSync(options.requestLog, JSON.stringify(record) + '\n');
    if (faults.delayMs) await new Promise((r) => setTimeout(r, faults.delayMs));
    if (result === 'hang' || result === 'stall-body') {
      hanging.add(res);
      if (result === 'stall-body') {
        res.writeHead(200, { 'content-type': 'application/x-amz-json-1.1', 'content-length': '1000' });
        res.write('{"authorizationData":[');
      }
      return;
    }
    send(
      res,
      result.status,
      result.body,
      result.status >= 400 ? (result.body as { __type: string }).__type : undefined,
    );
  }

  function control(url: string, method: string, raw: string, res: ServerResponse): void {
    if (url === '/_emulator/health') return send(res, 200, { ok: true });
    if (url === '/_emulator/requests' && method === 'GET') return send(res, 200, requests);
    if (url === '/_emulator/reset' && method === 'POST') {
      reset();
      return send(res, 200, { ok: true });
    }
    if (url === '/_emulator/faults' && method === 'POST') {
      try {
        faults = JSON.parse(raw) as Faults;
        return send(res, 200, faults);
      } catch {
        return send(res, 400, { error: 'faults must be JSON' });
      }
    }
    send(res, 404, { error: `no control endpoint ${method} ${url}` });
  }

  function reset(): void {
    faults = { mode: 'none' };
    requests.length = 0;
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) =>
      send(res, 500, { __type: 'InternalFailure', message: String(err) }),
    );
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    setFaults: (f) => (faults = { ...f }),
    reset,
    close: async () => {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

interface Scope {
  accessKeyId: string;
  region: string;
  service: string;
}

/** Reads `Credential=AKID/20261125/us-east-1/ecr/aws4_request` out of a SigV4 Authorization header. */
export function parseScope(authorization: string): Scope {
  const m = /Credential=([^/,\s]+)\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization);
  return m
    ? { accessKeyId: m[1]!, region: m[2]!, service: m[3]! }
    : { accessKeyId: '', region: '', service: '' };
}

function awsError(status: number, type: string, message: string): Answer {
  return { status, body: { __type: type, message } };
}

function send(res: ServerResponse, status: number, body: unknown, errorType?: string): void {
  const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.1' };
  if (errorType) headers['x-amzn-errortype'] = errorType;
  res.writeHead(status, headers).end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (data += chunk));
    req.on('end', () => resolve(data));
    req.on('error', reject);
  });
}
