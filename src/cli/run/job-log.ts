// Renders a hook's output as a job log in a terminal: workflow commands (::group::, ::error:: ...) become
// readable lines and values announced with ::add-mask:: are masked from then on, as the runner does;
// between ::stop-commands::<token> and ::<token>:: every line is text, as for the runner.

const COMMAND = /^::([a-z-]+)(?: [^:]*)?::(.*)$/;

export class JobLog {
  private partial = '';
  private indent = '';
  private readonly masks: string[] = [];
  private stopToken: string | null = null;

  constructor(private readonly write: (line: string) => void) {}

  /** Takes output as it arrives; whole lines are rendered at once, a trailing partial line waits. */
  push(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.render(line.replace(/\r$/, ''));
  }

  flush(): void {
    if (this.partial !== '') this.render(this.partial);
    this.partial = '';
    this.indent = '';
  }

  private mask(text: string): string {
    return this.masks.reduce((masked, secret) => masked.split(secret).join('***'), text);
  }

  private render(line: string): void {
    // The runner finds a command after leading spaces too.
    const command = COMMAND.exec(line.trimStart());
    if (this.stopToken !== null) {
      const resume = `::${this.stopToken}::`;
      if (line.trimStart().toLowerCase().startsWith(resume)) this.stopToken = null;
      else this.write(this.indent + this.mask(line));
      return;
    }
    if (command === null) {
      this.write(this.indent + this.mask(line));
      return;
    }
    const [, name, value = ''] = command;
    switch (name) {
      case 'add-mask':
        if (value !== '') this.masks.push(value);
        return;
      case 'group':
        this.write(`▸ ${this.mask(value)}`);
        this.indent = '  ';
        return;
      case 'endgroup':
        this.indent = '';
        return;
      case 'error':
        this.write(`${this.indent}Error: ${this.mask(value)}`);
        return;
      case 'warning':
        this.write(`${this.indent}Warning: ${this.mask(value)}`);
        return;
      case 'debug':
        return;
      case 'stop-commands':
        if (value !== '') this.stopToken = value.toLowerCase();
        return;
      default:
        this.write(this.indent + this.mask(line));
    }
  }
}
