// Workflow commands the runner understands in a hook's output (::group::, ::add-mask:: ...): written
// here for the hook (to a given stream, so that its code never reaches for process globals), and read
// back here, as the runner reads them, for `dockhand run`. One module, so the two cannot disagree.
export interface LogSink {
  write(text: string): unknown;
}

export interface JobLog {
  info(line: string): void;
  /** Printed only in debug runs (RUNNER_DEBUG=1), through ::debug:: so the runner files it as such. */
  debug(line: string): void;
  warning(line: string): void;
  error(line: string): void;
  /** Tells the runner to hide a value before anything could print it. */
  mask(secret: string): void;
  group<T>(title: string, body: () => Promise<T>): Promise<T>;
}

/** Workflow-command data escaping, as the runner decodes it. */
export function escapeData(value: string): string {
  return value.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/**
 * The runner's decoding of command data (ActionCommand.UnescapeData: %0D, then %0A, then %25). It undoes
 * escapeData exactly: in escaped text every `%` starts one of the three escapes.
 */
export function unescapeData(value: string): string {
  return value.replaceAll('%0D', '\r').replaceAll('%0A', '\n').replaceAll('%25', '%');
}

/** One workflow command line (without its newline): `::name::data`, the data escaped. */
export function formatWorkflowCommand(name: string, data: string): string {
  return `::${name}::${escapeData(data)}`;
}

export interface WorkflowCommand {
  /** Lower case: the runner matches command names in any case. */
  name: string;
  /** Unescaped; properties (`::error file=a::`) are left out, nothing here shows them. */
  data: string;
}

/**
 * A line as the runner reads it (ActionCommand.TryParseV2): leading blanks skipped, `::`, the name up to
 * a space or the next `::`, the data after that `::`. Null for a line that is no command.
 */
export function parseWorkflowCommand(line: string): WorkflowCommand | null {
  const text = line.trimStart();
  if (!text.startsWith('::')) return null;
  const end = text.indexOf('::', 2);
  if (end < 0) return null;
  const info = text.slice(2, end);
  const space = info.indexOf(' ');
  const name = space < 0 ? info : info.slice(0, space);
  if (name === '') return null;
  return { name: name.toLowerCase(), data: unescapeData(text.slice(end + 2)) };
}

export function createJobLog(sink: LogSink, debugEnabled: boolean): JobLog {
  const line = (text: string) => sink.write(`${text}\n`);
  return {
    info: (text) => line(text),
    debug: (text) => {
      if (debugEnabled) line(formatWorkflowCommand('debug', text));
    },
    warning: (text) => line(formatWorkflowCommand('warning', text)),
    error: (text) => line(formatWorkflowCommand('error', text)),
    mask: (secret) => {
      // Escaped, so the runner masks exactly this value (line breaks and `%` included); it also masks each
      // line of a multi-line value on its own (ActionCommandManager's add-mask).
      if (secret.trim()) line(formatWorkflowCommand('add-mask', secret));
    },
    group: async (title, body) => {
      line(formatWorkflowCommand('group', title));
      try {
        return await body();
      } finally {
        line('::endgroup::');
      }
    },
  };
}

/**
 * The hook's stdout, shared by a step's own output and the hook's lines. A hook line after step output
 * that did not end its line starts a new one: the runner only sees `::error::` at the start of a line.
 */
export function sharedStdout(write: (chunk: string | Uint8Array) => unknown): {
  log: LogSink;
  step: (chunk: Uint8Array) => void;
} {
  let midLine = false;
  return {
    log: { write: (text) => write(midLine ? ((midLine = false), `\n${text}`) : text) },
    step: (chunk) => {
      if (chunk.length > 0) midLine = chunk[chunk.length - 1] !== 0x0a;
      write(chunk);
    },
  };
}
