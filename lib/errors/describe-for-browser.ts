import { describeCode } from "./catalogue";
import type { ErrorDescription } from "./error-description";

/** An error code with its description, as a server component hands it to a client component. */
export type DescribedError = { code: string; entry: ErrorDescription };

/**
 * For server components and route handlers only: describes a stored or returned code (unknown
 * codes as `internal_error`, see `describeCode`), or gives null for none. Client components take
 * the result as a prop and import this file's type alone, so the catalogue stays out of their
 * JavaScript.
 */
export function describeForBrowser(code: string | null | undefined): DescribedError | null {
  return code ? describeCode(code) : null;
}
