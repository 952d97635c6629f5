/** True when `e` (or its cause, as drizzle wraps driver errors) is a PostgreSQL unique violation. */
export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  for (let cur: unknown = e, i = 0; cur && i < 4; cur = (cur as { cause?: unknown }).cause, i++) {
    const err = cur as { code?: string; constraint_name?: string; constraint?: string; message?: string };
    if (err.code === "23505") {
      if (!constraint) return true;
      const name = err.constraint_name ?? err.constraint ?? "";
      return name === constraint || (err.message ?? "").includes(constraint);
    }
  }
  return false;
}
