// Workflow commands the runner understands in a hook's output (::group::, ::add-mask:: ...), written to a
// given stream so that the hook's code never reaches for process globals.
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

export function createJobLog(sink: LogSink, debugEnabled: boolean): JobLog {
  const line = (text: string) => sink.write(`${text}\n`);
  return {
    info: (text) => line(text),
    debug: (text) => {
      if (debugEnabled) line(`::debug::${escapeData(text)}`);
    },
    warning: (text) => line(`::warning::${escapeData(text)}`),
    error: (text) => line(`::error::${escapeData(text)}`),
    mask: (secret) => {
      // Escaped, so the runner masks exactly this value (line breaks and `%` included); it also masks each
      // line of a multi-line value on its own (ActionCommandManager's add-mask).
      if (secret.trim()) line(`::add-mask::${escapeData(secret)}`);
    },
    group: async (title, body) => {
      line(`::group::${escapeData(title)}`);
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
