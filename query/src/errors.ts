/**
 * The engine's error type. `type` follows the error types of Prometheus's HTTP API, so the api package
 * can map them to status codes without parsing messages.
 */

/** Where in the query text an error lies: character offsets, end exclusive. */
export interface PositionRange {
  readonly start: number;
  readonly end: number;
}

/** The kinds of query failure, named as in Prometheus's HTTP API. */
export type QueryErrorType = 'bad_data' | 'timeout' | 'canceled' | 'execution';

/** A failed parse or evaluation. */
export class QueryError extends Error {
  readonly type: QueryErrorType;
  readonly positionRange: PositionRange | undefined;

  constructor(type: QueryErrorType, message: string, options?: { positionRange?: PositionRange; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'QueryError';
    this.type = type;
    this.positionRange = options?.positionRange;
  }
}
