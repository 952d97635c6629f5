/** "A", "A and B", "A, B and C": names in a sentence. */
export function listWithAnd(names: readonly string[]): string {
  if (names.length <= 1) return names.join("");
  return `${names.slice(0, -1).join(", ")} and ${names.at(-1)}`;
}
