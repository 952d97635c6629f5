import type { ToolFailure } from "./tool-error";

const FIELD_NAME = /^[A-Za-z0-9_.]{1,64}$/;
/** What the plane accepts (`refusalDetailSchema`). */
const MAX_LENGTH = 200;

/**
 * What the plane may record about a refusal made here: the names of the fields that failed
 * (`number, body`), taken from the failure's field errors, never their messages or the values the
 * agent sent. Left out: `arguments` (the arguments as a whole, e.g. unknown fields, whose names the
 * agent chose) and names that are not plain schema names (an over-long path cut short). As many as
 * fit the plane's bound; undefined when none is left.
 */
export function refusalDetailOf(failure: ToolFailure): string | undefined {
  const names = Object.keys(failure.fieldErrors ?? {}).filter((name) => name !== "arguments" && FIELD_NAME.test(name));
  let detail = "";
  for (const name of names) {
    const next = detail ? `${detail}, ${name}` : name;
    if (next.length > MAX_LENGTH) break;
    detail = next;
  }
  return detail || undefined;
}
