import { causeChain } from "./errors/cause-chain";

/** True when `e` (or its cause, as drizzle wraps driver errors) is a PostgreSQL unique violation. */
export function isUniqueViolation(e: unknown, constraint?: string): boolean {
  for (const cur of causeChain(e, 4)) {
    const err = cur as { code?: string; constraint_name?: string; constraint?: string; message?: string };
    if (err.code === "23505") {
      if (!constraint) return true;
      const name = err.constraint_name ?? err.constraint ?? "";
      return name === constraint || (err.message ?? "").includes(constraint);
    }
  }
  return false;
}
