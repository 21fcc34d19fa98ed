// The HTTP side of the AWS SDK's calls, which the SDK for JavaScript does not configure from the
// environment as the Go SDK does: AWS_CA_BUNDLE (the CAs an https endpoint is verified against) and
// HTTPS_PROXY / HTTP_PROXY / NO_PROXY. Connection, request and idle-socket timeouts that really abort
// (the SDK's requestTimeout alone only warns); the session's deadline bounds the whole call besides.
import { readFileSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import { Agent as HttpAgent, type ClientRequest } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { Agent, type AgentConnectOpts } from 'agent-base';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { EcrApiError } from './failure';
import { bypassesProxy, normalizeProxyUrl, type ProxySettings } from './proxy';
import { messageOf } from '../protocol/errors';

export interface HttpSettings {
  caBundle?: string;
  proxy: ProxySettings;
}

const TIMEOUTS = {
  connectionTimeout: 2000,
  requestTimeout: 4000,
  throwOnRequestTimeout: true,
  // An answer whose body stops coming: the request timeout ends at the headers.
  socketTimeout: 4000,
};

/** Tunnels through the proxy, except to hosts NO_PROXY (or loopback) exempts, which go `direct`. */
class ProxyUnlessExempt extends Agent {
  constructor(
    private readonly proxied: HttpsProxyAgent<string>,
    private readonly direct: HttpAgent,
    private readonly noProxy: string,
  ) {
    super();
  }

  override connect(req: ClientRequest, options: AgentConnectOpts): Promise<Duplex> | HttpAgent {
    const port = options.port ?? (options.secureEndpoint ? 443 : 80);
    if (bypassesProxy(options.host ?? '', Number(port), this.noProxy)) return this.direct;
    return this.proxied.connect(req, options);
  }
}

function readCaBundle(file: string | undefined): Buffer | undefined {
  if (!file) return undefined;
  try {
    return readFileSync(file);
  } catch (err) {
    throw new EcrApiError(`AWS_CA_BUNDLE=${file} cannot be read (${messageOf(err)}): fix or unset it`, {
      cause: err,
    });
  }
}

function withProxy(
  direct: HttpAgent,
  proxy: string | undefined,
  variable: string,
  settings: HttpSettings,
  ca?: Buffer,
) {
  if (!proxy) return direct;
  try {
    const proxied = new HttpsProxyAgent(normalizeProxyUrl(proxy), ca ? { ca } : {});
    return new ProxyUnlessExempt(proxied, direct, settings.proxy.noProxy);
  } catch (err) {
    throw new EcrApiError(`${variable} is not a proxy URL (${messageOf(err)}): fix or unset it`, {
      cause: err,
    });
  }
}

export function httpHandler(settings: HttpSettings): NodeHttpHandler {
  const ca = readCaBundle(settings.caBundle);
  return new NodeHttpHandler({
    ...TIMEOUTS,
    httpsAgent: withProxy(
      new HttpsAgent(ca ? { ca } : {}),
      settings.proxy.https,
      'HTTPS_PROXY',
      settings,
      ca,
    ),
    httpAgent: withProxy(new HttpAgent(), settings.proxy.http, 'HTTP_PROXY', settings),
  });
}
