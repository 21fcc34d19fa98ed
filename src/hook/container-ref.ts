// How the hook names a container it started, in the job log, the health wait and the saved state.

export type ContainerRole = 'job' | 'service';

export interface ContainerRef {
  id: string;
  /** A service's network alias (its name in the job log); "job" for the job container. */
  alias: string;
  image: string;
}
