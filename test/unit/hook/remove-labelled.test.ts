// cleanup_job's removal plan (and prepare_job's rollback's), from listings captured from the real daemon:
// what carries the label goes, each container once it is off the network and its logs are read, the
// network once nothing is on it, and what could not be removed is said.
import { describe, expect, it } from 'vitest';
import { removeLabelled } from '../../../src/hook/remove-labelled';
import { CapturedDaemon, captured } from './captured-daemon';

const ours = { 'dockhand.runner': 'r1', 'dockhand.job': 'j1' };
const containers = captured<Array<{ Id: string }>>('containers-by-label').map((entry) => entry.Id);
const network = captured<{ Id: string; Containers: Record<string, unknown> }>('network-with-two-attached');
const attached = Object.keys(network.Containers);

/** The captured job: four containers, two of them on its network, all under this runner's labels. */
function capturedJob(): CapturedDaemon {
  const daemon = new CapturedDaemon();
  for (const id of containers) daemon.add('container', id, ours, attached.includes(id) ? [network.Id] : []);
  daemon.add('network', network.Id, ours);
  daemon.add('container', 'another-runners', { 'dockhand.runner': 'r2' }, [network.Id]);
  daemon.add('image', 'built', ours);
  return daemon;
}

const removed = (daemon: CapturedDaemon, kind: string) =>
  daemon.changes
    .filter((change) => change.startsWith(`remove ${kind} `))
    .map((change) => change.split(' ')[2]);

describe('removal by label', () => {
  it("removes this runner's containers and network, each container off the network first", async () => {
    const daemon = capturedJob();
    await removeLabelled(daemon.engine, 'dockhand.runner=r1', { images: false });
    expect(removed(daemon, 'container').sort()).toEqual([...containers].sort());
    expect(removed(daemon, 'network')).toEqual([network.Id]);
    expect(removed(daemon, 'image')).toEqual([]);
    for (const id of attached)
      expect(daemon.changes.indexOf(`disconnect ${network.Id} ${id}`)).toBeLessThan(
        daemon.changes.indexOf(`remove container ${id}`),
      );
    // Another runner's container on the network is taken off it, never removed.
    expect([...daemon.objects.keys()].sort()).toEqual(['another-runners', 'built']);
  });

  it('removes built images when asked, after the containers', async () => {
    const daemon = capturedJob();
    await removeLabelled(daemon.engine, 'dockhand.runner=r1', { images: true });
    expect(removed(daemon, 'image')).toEqual(['built']);
    const imageAt = daemon.changes.indexOf('remove image built');
    for (const id of containers)
      expect(daemon.changes.indexOf(`remove container ${id}`)).toBeLessThan(imageAt);
  });

  it('leaves a container whose logs are still being read until they are', async () => {
    const daemon = capturedJob();
    const [service = ''] = attached;
    let logsRead: () => void = () => undefined;
    const logs = new Promise<void>((resolve) => (logsRead = resolve));
    const removal = removeLabelled(daemon.engine, 'dockhand.runner=r1', {
      images: false,
      notBefore: new Map([[service, logs]]),
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(daemon.changes.filter((change) => change.includes(service))).toEqual([]);
    daemon.changes.push('logs read');
    logsRead();
    await removal;
    expect(daemon.changes.indexOf(`remove container ${service}`)).toBeGreaterThan(
      daemon.changes.indexOf('logs read'),
    );
    expect(removed(daemon, 'network')).toEqual([network.Id]);
  });

  it('removes what this call created even when it carries no label', async () => {
    const daemon = capturedJob();
    daemon.add('container', 'unlabelled', {});
    await removeLabelled(daemon.engine, 'dockhand.job=j1', { images: false, createdIds: ['unlabelled'] });
    expect(removed(daemon, 'container')).toContain('unlabelled');
  });

  it('removes all it can, then says what failed', async () => {
    const daemon = capturedJob();
    const [stuck = '', ...rest] = containers;
    daemon.refuseRemoval.add(stuck);
    await expect(removeLabelled(daemon.engine, 'dockhand.runner=r1', { images: false })).rejects.toThrow(
      `could not remove a container: docker engine DELETE /containers/${stuck}: refused (HTTP 500)`,
    );
    expect(removed(daemon, 'container').sort()).toEqual([...rest].sort());
    const refusing = capturedJob();
    refusing.refuseRemoval.add(network.Id);
    await expect(removeLabelled(refusing.engine, 'dockhand.runner=r1', { images: false })).rejects.toThrow(
      'could not remove a network',
    );
    expect(removed(refusing, 'container').sort()).toEqual([...containers].sort());
  });

  it('says done only when seen done: what still carries the label is named', async () => {
    const daemon = capturedJob();
    const [back = ''] = containers;
    daemon.stayAfterRemoval.add(back);
    await expect(removeLabelled(daemon.engine, 'dockhand.runner=r1', { images: false })).rejects.toThrow(
      `still there after removal: container ${back}`,
    );
  });
});
