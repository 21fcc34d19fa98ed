// Renders a hook's output as a job log in a terminal: workflow commands (::group::, ::error:: ...), read
// as the runner reads them (src/protocol/job-log.ts), become readable lines, and values announced with
// ::add-mask:: are masked from then on, as the runner does; between ::stop-commands::<token> and
// ::<token>:: every line is text, as for the runner.
import { parseWorkflowCommand } from '../../protocol/job-log';

const LABELS: Readonly<Record<string, string>> = { error: 'Error: ', warning: 'Warning: ' };

export class JobLogRenderer {
  private partial = '';
  private indent = '';
  /** Longest first, so a secret that contains another is hidden whole. */
  private masks: string[] = [];
  /** Set by ::stop-commands::<token>: lines are text until ::<token>::. */
  private stopToken: string | null = null;

  constructor(private readonly write: (line: string) => void) {}

  /** Takes output as it arrives; whole lines are rendered at once, a trailing partial line waits. */
  push(chunk: string): void {
    const lines = (this.partial + chunk).split('\n');
    this.partial = lines.pop() ?? '';
    for (const line of lines) this.render(line.replace(/\r$/, ''));
  }

  /** A line of dockhand's own (a header, the summary): never a workflow command, still masked. */
  text(line: string): void {
    this.flush();
    this.write(this.mask(line));
  }

  flush(): void {
    if (this.partial !== '') this.render(this.partial);
    this.partial = '';
    this.indent = '';
  }

  private mask(text: string): string {
    return this.masks.reduce((masked, secret) => masked.split(secret).join('***'), text);
  }

  /** As the runner's add-mask: the whole value, and each of its lines on its own (trimmed). */
  addMask(value: string): void {
    if (value.trim() === '') return;
    const lines = value.split(/[\r\n]+/).map((line) => line.trim());
    this.masks = [...new Set([...this.masks, value, ...lines.filter(Boolean)])].sort(
      (a, b) => b.length - a.length,
    );
  }

  /** Data with line breaks (escaped on the wire) shows as lines under its label, aligned. */
  private writeData(label: string, data: string): void {
    this.mask(data)
      .split(/\r?\n/)
      .forEach((line, index) =>
        this.write(`${this.indent}${index === 0 ? label : ' '.repeat(label.length)}${line}`),
      );
  }

  private render(line: string): void {
    const command = parseWorkflowCommand(line);
    if (this.stopToken !== null) {
      if (command?.name === this.stopToken) this.stopToken = null;
      else this.write(this.indent + this.mask(line));
      return;
    }
    if (command === null) {
      this.write(this.indent + this.mask(line));
      return;
    }
    switch (command.name) {
      case 'add-mask':
        this.addMask(command.data);
        return;
      case 'group':
        this.indent = '';
        this.writeData('▸ ', command.data);
        this.indent = '  ';
        return;
      case 'endgroup':
        this.indent = '';
        return;
      case 'debug':
        return;
      case 'stop-commands':
        if (command.data !== '') this.stopToken = command.data.toLowerCase();
        return;
      default: {
        const label = LABELS[command.name];
        if (label === undefined) this.write(this.indent + this.mask(line));
        else this.writeData(label, command.data);
      }
    }
  }
}
