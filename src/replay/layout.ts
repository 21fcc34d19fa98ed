// A runner's folder layout, as the runner has it on disk, for one repository's job.
import { mkdirSync, symlinkSync, existsSync } from 'node:fs';
import path from 'node:path';

export interface JobLayout {
  /** The runner's root folder (where config.sh lives). */
  root: string;
  /** `owner/name`, as in GITHUB_REPOSITORY. */
  repository: string;
  work: string;
  /** Host workspace: `<root>/_work/<repo>/<repo>`; the hook's cwd. */
  workspace: string;
  temp: string;
  responses: string;
  actions: string;
  toolCache: string;
  githubHome: string;
  githubWorkflow: string;
  fileCommands: string;
  externals: string;
  /** `<root>/externals/node20/bin/node`: the node the runner starts `.js` hooks with. */
  node: string;
  /** Container paths the runner translates host paths to. */
  containerWorkspace: string;
}

export function jobLayout(root: string, repository = 'octo-org/demo'): JobLayout {
  const repoName = repository.split('/').pop() ?? repository;
  const work = path.join(root, '_work');
  const temp = path.join(work, '_temp');
  return {
    root,
    repository,
    work,
    workspace: path.join(work, repoName, repoName),
    temp,
    responses: path.join(temp, '_runner_hook_responses'),
    actions: path.join(work, '_actions'),
    toolCache: path.join(work, '_tool'),
    githubHome: path.join(temp, '_github_home'),
    githubWorkflow: path.join(temp, '_github_workflow'),
    fileCommands: path.join(temp, '_runner_file_commands'),
    externals: path.join(root, 'externals'),
    node: path.join(root, 'externals', 'node20', 'bin', 'node'),
    containerWorkspace: `/__w/${repoName}/${repoName}`,
  };
}

/**
 * Creates the folders the runner creates before a job, and `externals/node20/bin/node` as a link to the
 * node running this code (the runner ships its own Node 20 there).
 */
export function createJobLayout(root: string, repository?: string): JobLayout {
  const layout = jobLayout(root, repository);
  for (const dir of [
    layout.workspace,
    layout.responses,
    layout.actions,
    layout.toolCache,
    layout.githubHome,
    layout.githubWorkflow,
    layout.fileCommands,
    path.dirname(layout.node),
  ]) {
    mkdirSync(dir, { recursive: true });
  }
  if (!existsSync(layout.node)) symlinkSync(process.execPath, layout.node);
  return layout;
}
