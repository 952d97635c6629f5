import { describeCode, errorCatalogue, type ErrorCode } from "./catalogue";
import type { ErrorDescription } from "./error-description";

/**
 * A typed, user-safe failure. `message` is shown to users (it defaults to the catalogue title);
 * `cause` is for logs only and is never sent to a client.
 */
export class AppError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly fieldErrors?: Record<string, string[]>;

  constructor(
    code: ErrorCode,
    options: { message?: string; fieldErrors?: Record<string, string[]>; cause?: unknown } = {},
  ) {
    super(options.message ?? errorCatalogue[code].title, { cause: options.cause });
    this.name = "AppError";
    this.code = code;
    this.status = errorCatalogue[code].status;
    this.fieldErrors = options.fieldErrors;
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}

/**
 * The JSON body every route handler returns for a failure, with the code's description, so a
 * browser polling the route shows the remedy without the catalogue in its bundle.
 */
export function errorBody(e: AppError): { error: { code: ErrorCode; message: string; entry: ErrorDescription; fieldErrors?: Record<string, string[]> } } {
  return { error: { code: e.code, message: e.message, entry: describeCode(e.code).entry, ...(e.fieldErrors ? { fieldErrors: e.fieldErrors } : {}) } };
}
