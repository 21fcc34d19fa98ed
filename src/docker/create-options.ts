// The workflow's `options:` are docker create flags written as a shell would: parse them once, with a real
// shell-words parser, into argv tokens that go to docker unchanged (never joined and re-split).
import { OWN_LABEL_PREFIX } from './own-names';
import { splitShellWords } from './shell-words';
import { messageOf } from '../protocol/errors';

export class CreateOptionsError extends Error {
  override name = 'CreateOptionsError';
}

function splitWords(text: string | null, field: string): string[] {
  if (!text || !text.trim()) return [];
  try {
    return splitShellWords(text);
  } catch (error) {
    throw new CreateOptionsError(
      `invalid ${field} '${text}': ${messageOf(error)}; balance the quotes in the workflow's options`,
      { cause: error },
    );
  }
}

/** Parses and checks the workflow's options (see checkCreateOptions). */
export function parseCreateOptions(options: string | null, field: string): string[] {
  const tokens = splitWords(options, field);
  checkCreateOptions(tokens, field);
  return tokens;
}

/** Flags of `docker create` that make the CLI read or write a file on the runner host, as the runner user. */
const HOST_FILE_FLAGS: Record<string, string> = {
  'env-file': "reads a file on the runner host; set the variables in the workflow's env: instead",
  'label-file': 'reads a file on the runner host; give labels with --label instead',
  cidfile: 'writes a file on the runner host; remove it (the job log names every container)',
};
/** `docker create`'s one-letter flags that take no value: any other one takes the rest of its word, or the next. */
const BOOLEAN_SHORTHANDS = new Set(['i', 't', 'P', 'd']);

/**
 * Refuses, before anything is created, options that would make the docker CLI touch host files or that
 * would take the hook's own labels (a container under another job's label escapes rollback and cleanup).
 * Read as the CLI reads them (pflag: `--flag value`, `--flag=value`, `-l value`, `-tlvalue`), up to `--`;
 * a value that merely looks like one of these flags is refused too, which no real workflow needs.
 */
export function checkCreateOptions(tokens: readonly string[], field: string): void {
  const refuse = (why: string) => {
    throw new CreateOptionsError(`${field}: ${why}`);
  };
  const checkValue = (flag: string, value: string | undefined) => {
    if (flag === 'label' && value?.toLowerCase().startsWith(OWN_LABEL_PREFIX)) {
      refuse(
        `the label ${value.split('=')[0]} is dockhand's own (it finds and removes the job's containers by it); use another label key`,
      );
    }
    if (flag === 'security-opt' && value && /^seccomp[=:]/.test(value)) {
      const profile = value.slice('seccomp='.length);
      if (profile !== 'unconfined' && profile !== 'builtin')
        refuse(
          `--security-opt ${value} reads a file on the runner host; use seccomp=unconfined or the daemon's default profile`,
        );
    }
  };
  for (const [index, token] of tokens.entries()) {
    if (token === '--') return;
    if (token.startsWith('--')) {
      const eq = token.indexOf('=');
      const flag = token.slice(2, eq < 0 ? undefined : eq);
      const why = HOST_FILE_FLAGS[flag];
      if (why) refuse(`--${flag} ${why}`);
      checkValue(flag, eq < 0 ? tokens[index + 1] : token.slice(eq + 1));
    } else if (token.startsWith('-') && token.length > 1) {
      for (let at = 1; at < token.length; at++) {
        const letter = token.charAt(at);
        if (BOOLEAN_SHORTHANDS.has(letter)) continue;
        const rest = token.slice(at + 1).replace(/^=/, '');
        if (letter === 'l') checkValue('label', rest || tokens[index + 1]);
        break;
      }
    }
  }
}

/** The values of every --network-alias / --network-alias=x given in options. */
export function networkAliasesIn(tokens: readonly string[]): string[] {
  const aliases: string[] = [];
  tokens.forEach((token, index) => {
    if (token === '--network-alias' || token === '--alias') {
      const value = tokens[index + 1];
      if (value !== undefined) aliases.push(value);
    } else if (token.startsWith('--network-alias=') || token.startsWith('--alias=')) {
      aliases.push(token.slice(token.indexOf('=') + 1));
    }
  });
  return aliases;
}

/** Re-tokenizes entryPointArgs: the runner split them on single spaces and left the quotes in. */
export function retokenizeArgs(args: readonly string[], field: string): string[] {
  return splitWords(args.join(' '), field);
}
