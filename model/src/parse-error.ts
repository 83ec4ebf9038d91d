/**
 * The error every text-format parse failure raises, with the position it happened at.
 */

/** A text-format parse failure at a 1-based line and column (columns count UTF-16 code units). */
export class ParseError extends Error {
  /** 1-based line of the offending character. */
  readonly line: number;
  /** 1-based column of the offending character. */
  readonly column: number;
  /** 0-based offset of the offending character in the input. */
  readonly offset: number;

  constructor(message: string, line: number, column: number, offset: number, options?: { cause?: unknown }) {
    super(`${line}:${column}: ${message}`, options);
    this.name = 'ParseError';
    this.line = line;
    this.column = column;
    this.offset = offset;
  }

  /**
   * Builds the error for `offset` in `text`, computing line and column only now: errors are rare, so the
   * parser's hot path does not track line numbers at all.
   */
  static at(text: string, offset: number, message: string, options?: { cause?: unknown }): ParseError {
    const at = Math.max(0, Math.min(offset, text.length));
    let line = 1;
    let lineStart = 0;
    for (let i = text.indexOf('\n'); i >= 0 && i < at; i = text.indexOf('\n', i + 1)) {
      line++;
      lineStart = i + 1;
    }
    return new ParseError(message, line, at - lineStart + 1, at, options);
  }
}
