// The github context's sha, ref and repository from the git checkout the workflow file is in, read from
// git's own files (HEAD, refs, packed-refs, config) rather than by running git: git reads a checkout's
// config and may run what it names (core.fsmonitor), and dockhand may be root on a folder anyone wrote.
import path from 'node:path';
import { readFileState } from '../install/files';

export interface Checkout {
  sha: string;
  /** `refs/heads/<branch>`; undefined when HEAD is detached. */
  ref?: string;
  /** `owner/name` of the `origin` remote, when it names one. */
  repository?: string;
}

const SHA = /^[0-9a-f]{40}$/;

function read(file: string): string | undefined {
  try {
    return readFileState(file)?.text;
  } catch {
    return undefined;
  }
}

/** The git folder and the common one (where refs and config live) of the checkout holding `start`. */
function gitFolders(start: string): { git: string; common: string } | undefined {
  for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
    const dotGit = path.join(dir, '.git');
    if (read(path.join(dotGit, 'HEAD')) !== undefined) return { git: dotGit, common: dotGit };
    // A linked worktree or a submodule: `.git` is a file naming the git folder.
    const link = /^gitdir: (.+)$/m.exec(read(dotGit) ?? '')?.[1]?.trim();
    if (link !== undefined) {
      const git = path.resolve(dir, link);
      const common = read(path.join(git, 'commondir'))?.trim();
      return { git, common: common === undefined ? git : path.resolve(git, common) };
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

function resolveRef(common: string, git: string, ref: string): string | undefined {
  const loose = (read(path.join(git, ref)) ?? read(path.join(common, ref)))?.trim();
  if (loose !== undefined && SHA.test(loose)) return loose;
  for (const line of (read(path.join(common, 'packed-refs')) ?? '').split('\n')) {
    const [sha, name] = line.trim().split(' ');
    if (name === ref && sha !== undefined && SHA.test(sha)) return sha;
  }
  return undefined;
}

/** `owner/name` of a GitHub-style remote URL (https, ssh or scp form). */
export function repositoryOfUrl(url: string): string | undefined {
  const match = /[/:]([^/:\s]+)\/([^/\s]+?)(?:\.git)?\/?$/.exec(url.trim());
  return match === null ? undefined : `${match[1]}/${match[2]}`;
}

function originUrl(config: string): string | undefined {
  const section = /^\s*\[remote "origin"\]\s*$([\s\S]*?)(?=^\s*\[|$(?![\s\S]))/m.exec(config)?.[1] ?? '';
  return /^\s*url\s*=\s*(.+)$/m.exec(section)?.[1];
}

export function readCheckout(workflowFile: string): Checkout | undefined {
  const folders = gitFolders(path.dirname(workflowFile));
  if (folders === undefined) return undefined;
  const head = read(path.join(folders.git, 'HEAD'))?.trim() ?? '';
  const ref = /^ref: (refs\/\S+)$/.exec(head)?.[1];
  const sha = ref === undefined ? head : resolveRef(folders.common, folders.git, ref);
  if (sha === undefined || !SHA.test(sha)) return undefined;
  const url = originUrl(read(path.join(folders.common, 'config')) ?? '');
  return { sha, ref, repository: url === undefined ? undefined : repositoryOfUrl(url) };
}
