// Splits a string into words as a POSIX shell does, without expansions: quotes and backslashes are
// honoured, `$`, globs and the like stay literal. (The shlex package applies escape processing to a
// whole word once a double-quoted part closes, so `'a\\b'"c"` lost a backslash; found by the property test.)

export class ShellWordsError extends Error {
  override name = 'ShellWordsError';
}

/** Characters a backslash escapes inside double quotes; before anything else it stays literal. */
const DOUBLE_QUOTE_ESCAPABLE = new Set(['$', '`', '"', '\\', '\n']);

export function splitShellWords(text: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let i = 0;
  const append = (chars: string) => (word = (word ?? '') + chars);
  while (i < text.length) {
    const char = text.charAt(i);
    if (char === ' ' || char === '\t' || char === '\n') {
      if (word !== null) words.push(word);
      word = null;
      i++;
    } else if (char === '\\') {
      if (i + 1 >= text.length) throw new ShellWordsError('ends with a lone backslash');
      // A backslash-newline joins lines; any other escaped character is taken as it is.
      if (text[i + 1] !== '\n') append(text.charAt(i + 1));
      i += 2;
    } else if (char === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new ShellWordsError('has an unbalanced single quote');
      append(text.slice(i + 1, end));
      i = end + 1;
    } else if (char === '"') {
      append('');
      i++;
      for (;;) {
        if (i >= text.length) throw new ShellWordsError('has an unbalanced double quote');
        const inner = text.charAt(i);
        if (inner === '"') break;
        if (inner === '\\' && i + 1 < text.length && DOUBLE_QUOTE_ESCAPABLE.has(text.charAt(i + 1))) {
          if (text[i + 1] !== '\n') append(text.charAt(i + 1));
          i += 2;
        } else {
          append(inner);
          i++;
        }
      }
      i++;
    } else {
      append(char);
      i++;
    }
  }
  if (word !== null) words.push(word);
  return words;
}
