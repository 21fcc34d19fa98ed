// The workflow's `options:` are docker create flags written as a shell would: parse them once, with a real
// shell-words parser, into argv tokens that go to docker unchanged (never joined and re-split).
import { splitShellWords } from './shell-words';

export class CreateOptionsError extends Error {
  override name = 'CreateOptionsError';
}

export function parseCreateOptions(options: string | null, field: string): string[] {
  if (!options || !options.trim()) return [];
  try {
    return splitShellWords(options);
  } catch (error) {
    throw new CreateOptionsError(
      `invalid ${field} '${options}': ${(error as Error).message}; balance the quotes in the workflow's options`,
      { cause: error },
    );
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
  return parseCreateOptions(args.join(' '), field);
}
