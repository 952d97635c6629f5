/**
 * An error and the errors it wraps, outermost first (`cause` after `cause`, a few levels deep):
 * undici wraps the socket error in `TypeError("fetch failed")`, drizzle wraps the driver's, and
 * client libraries wrap the fetch they were given. Bounded, so a cyclic chain cannot loop.
 */
export function* causeChain(e: unknown, maxDepth = 6): Generator<unknown> {
  for (let cur: unknown = e, depth = 0; cur && depth < maxDepth; cur = (cur as { cause?: unknown }).cause, depth++) yield cur;
}

/** The first error in `e`'s cause chain that `test` accepts, or null. */
export function findCause<T>(e: unknown, test: (cur: unknown) => cur is T): T | null {
  for (const cur of causeChain(e)) if (test(cur)) return cur;
  return null;
}

/** The errno-style `code` (ECONNREFUSED, UND_ERR_…) somewhere in the cause chain, or null; an abort's ABORT_ERR is skipped. */
export function errnoCode(e: unknown): string | null {
  for (const cur of causeChain(e)) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === "string" && code !== "ABORT_ERR") return code;
  }
  return null;
}
