import type { Mount } from '../protocol/hook-types';

// Syntax checks for what the workflow gives docker (image references, port mappings, variable names,
// mount paths), so that bad input fails with one line naming the field before anything is created.

// Docker's reference grammar (distribution/reference): [domain[:port]/]path[:tag][@digest].
const DOMAIN =
  '(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)*|\\[[0-9a-fA-F:]+\\])(?::[0-9]+)?';
const COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const TAG = ':[\\w][\\w.-]{0,127}';
const DIGEST = '@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${COMPONENT}(?:/${COMPONENT})*(?:${TAG})?(?:${DIGEST})?$`);

export function isImageReference(image: string): boolean {
  // A first part with no '.' or ':' is a path component for docker, not a host, so it must be lowercase.
  const first = image.split('/')[0] ?? '';
  const looksLikeHost = /[.:]/.test(first) || first === 'localhost';
  if (image.includes('/') && !looksLikeHost && /[A-Z]/.test(first)) return false;
  return image.length <= 510 && REFERENCE.test(image);
}

// docker run -p: [ip:][hostPort:]containerPort[/tcp|udp|sctp], ports or ranges.
const PORT_MAPPING =
  /^(?:(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:]+\]):)?(?:(\d+(?:-\d+)?)?:)?(\d+(?:-\d+)?)(?:\/(?:tcp|udp|sctp))?$/;

function isPortRange(text: string | undefined, allowZero: boolean): boolean {
  if (text === undefined) return true;
  return text.split('-').every((part) => {
    const port = Number(part);
    return Number.isInteger(port) && port <= 65535 && port >= (allowZero ? 0 : 1);
  });
}

export function isPortMapping(mapping: string): boolean {
  const match = PORT_MAPPING.exec(mapping);
  return match !== null && isPortRange(match[1], true) && isPortRange(match[2], false);
}

/** A name docker can pass with -e and a shell can read: no '=', no whitespace or control characters. */
export function isEnvName(name: string): boolean {
  // eslint-disable-next-line no-control-regex
  return name.length > 0 && !/[=\s\x00-\x1f\x7f]/.test(name);
}

/** A path docker's `--volume src:dst[:ro]` can carry: absolute for targets, and never holding a ':'. */
export function isMountPath(path: string, kind: 'source' | 'target'): boolean {
  // eslint-disable-next-line no-control-regex
  if (path.length === 0 || path.includes(':') || /[\x00-\x1f]/.test(path)) return false;
  return kind === 'source' || path.startsWith('/');
}

export class InputSyntaxError extends Error {
  override name = 'InputSyntaxError';
}

/** Checks one container's image, ports and variable names; the message names the field. */
export function checkContainerSyntax(
  container: {
    image: string | null;
    portMappings: string[];
    environmentVariables: Record<string, string>;
    systemMountVolumes: Mount[];
    userMountVolumes: Mount[];
  },
  field: string,
): void {
  const fail = (what: string, value: string, fix: string) => {
    throw new InputSyntaxError(`invalid hook input: ${field}.${what} ${JSON.stringify(value)}: ${fix}`);
  };
  if (container.image !== null && !isImageReference(container.image)) {
    fail('image', container.image, 'not a docker image reference; fix the image name in the workflow');
  }
  container.portMappings.forEach((mapping, index) => {
    if (!isPortMapping(mapping))
      fail(
        `portMappings.${index}`,
        mapping,
        'use [ip:][hostPort:]containerPort[/tcp|udp|sctp] with ports 1-65535',
      );
  });
  for (const [name, value] of Object.entries(container.environmentVariables)) {
    if (!isEnvName(name)) fail('environmentVariables', name, 'not a usable variable name; rename it');
    // The value is never shown: it may be a secret.
    if (value.includes('\0'))
      throw new InputSyntaxError(
        `invalid hook input: ${field}.environmentVariables.${name} holds a NUL character, which no environment can hold; remove it`,
      );
  }
  for (const list of ['systemMountVolumes', 'userMountVolumes'] as const) {
    container[list].forEach((mount, index) => {
      const fix = "docker's --volume cannot carry it (':' or control characters); use another path";
      if (mount.sourceVolumePath !== null && !isMountPath(mount.sourceVolumePath, 'source'))
        fail(`${list}.${index}.sourceVolumePath`, mount.sourceVolumePath, fix);
      if (!isMountPath(mount.targetVolumePath, 'target'))
        fail(
          `${list}.${index}.targetVolumePath`,
          mount.targetVolumePath,
          `${fix}; a target must be absolute`,
        );
    });
  }
}
