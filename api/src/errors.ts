/**
 * HTTP errors of the REST API. Handlers throw `ApiError` for what a client did wrong; everything else is a
 * server fault whose text never reaches the client.
 */

/** An error with an HTTP status and a machine-readable code, safe to show to the client. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  readonly details: unknown;

  constructor(status: number, code: string, message: string, details?: unknown, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

/** 400 with the field that was wrong. */
export function badRequest(message: string, details?: unknown): ApiError {
  return new ApiError(400, 'bad_request', message, details);
}

/** 404. */
export function notFound(message = 'not found'): ApiError {
  return new ApiError(404, 'not_found', message);
}
