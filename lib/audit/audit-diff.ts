export type AuditChange = {
  key: string;
  /** The value before, as JSON text; null when the key was not there. */
  before: string | null;
  /** The value after, as JSON text; null when the key is gone. */
  after: string | null;
};

function asRecord(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function show(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

/**
 * The keys an audit row's change touched, in a stable order (the before keys, then keys only
 * after has): a key whose value is the same on both sides is left out. A created thing (no
 * before) lists every key of after; a removed thing lists every key of before.
 */
export function diffAuditValues(before: unknown, after: unknown): AuditChange[] {
  const b = asRecord(before) ?? {};
  const a = asRecord(after) ?? {};
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])];
  const changes: AuditChange[] = [];
  for (const key of keys) {
    const hasB = Object.hasOwn(b, key);
    const hasA = Object.hasOwn(a, key);
    const beforeText = hasB ? show(b[key]) : null;
    const afterText = hasA ? show(a[key]) : null;
    if (hasB && hasA && JSON.stringify(b[key]) === JSON.stringify(a[key])) continue;
    changes.push({ key, before: beforeText, after: afterText });
  }
  return changes;
}
