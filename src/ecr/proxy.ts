// Which API requests go through a proxy, with the rules of Go's net/http (golang.org/x/net/http/httpproxy)
// that the Go helper follows: HTTPS_PROXY for https, HTTP_PROXY for http (upper case first), NO_PROXY
// entries are `*`, IPs, CIDRs, or domains (matching subdomains; a leading `.` matches subdomains only),
// each with an optional port; localhost and loopback addresses never use a proxy. Pure.
import { BlockList, isIP } from 'node:net';

export interface ProxySettings {
  https?: string;
  http?: string;
  noProxy: string;
}

/** A proxy URL as Go reads it: without a scheme, http:// is meant. */
export function normalizeProxyUrl(value: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(value) ? value : `http://${value}`;
}

function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  const family = isIP(host);
  if (family === 4) return host.startsWith('127.');
  return family === 6 && host === '::1';
}

/** `entry` without and with its port: `a.b:8080` -> ['a.b', 8080]; `[::1]:80` -> ['::1', 80]. */
function splitPort(entry: string): [string, number | undefined] {
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(entry);
  if (bracketed) return [bracketed[1]!, bracketed[2] ? Number(bracketed[2]) : undefined];
  const withPort = /^([^:]+):(\d+)$/.exec(entry);
  return withPort ? [withPort[1]!, Number(withPort[2])] : [entry, undefined];
}

function matchesCidr(host: string, cidr: string): boolean {
  const [network, bits] = cidr.split('/');
  const family = isIP(network ?? '');
  if (!family || family !== isIP(host) || !/^\d+$/.test(bits ?? '')) return false;
  const list = new BlockList();
  const type = family === 4 ? 'ipv4' : 'ipv6';
  list.addSubnet(network!, Number(bits), type);
  return list.check(host, type);
}

function matchesEntry(host: string, port: number, rawEntry: string): boolean {
  if (rawEntry === '*') return true;
  if (rawEntry.includes('/')) return matchesCidr(host, rawEntry);
  const [entryHost, entryPort] = splitPort(rawEntry.replace(/^\*\./, '.'));
  if (entryPort !== undefined && entryPort !== port) return false;
  if (isIP(entryHost)) return entryHost === host;
  if (entryHost.startsWith('.')) return host.endsWith(entryHost);
  return host === entryHost || host.endsWith(`.${entryHost}`);
}

/** True when a request to host:port goes direct even though a proxy is set. */
export function bypassesProxy(host: string, port: number, noProxy: string): boolean {
  const target = host.toLowerCase().replace(/^\[(.*)\]$/, '$1');
  if (isLoopback(target)) return true;
  return noProxy
    .split(',')
    .map((entry) => entry.trim().toLowerCase())
    .filter((entry) => entry !== '')
    .some((entry) => matchesEntry(target, port, entry));
}
