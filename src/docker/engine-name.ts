// What engine answers on the Docker API, named as people call it: `Docker 28.2.2`, `rootless Docker
// 28.2.2`, `podman 4.3.1`. From `GET /version` (its Components say which engine) and `GET /info` (its
// SecurityOptions carry `name=rootless` for a rootless daemon, Docker's or podman's).

/** The parts of `GET /version` used here. */
export interface VersionAnswer {
  Version?: string;
  Platform?: { Name?: string };
  Components?: Array<{ Name?: string; Version?: string }>;
}

/** The part of `GET /info` used here. */
export interface InfoAnswer {
  SecurityOptions?: string[];
}

export function engineNameOf(version: VersionAnswer, info: InfoAnswer | null): string {
  const components = version.Components ?? [];
  const podman = components.find((component) => /podman/i.test(component.Name ?? ''));
  const rootless = (info?.SecurityOptions ?? []).some((option) =>
    option.split(',').includes('name=rootless'),
  );
  const name = podman ? 'podman' : 'Docker';
  const number = (podman ?? components.find((component) => component.Name === 'Engine'))?.Version;
  return `${rootless ? 'rootless ' : ''}${name} ${number ?? version.Version ?? '(version unknown)'}`;
}
