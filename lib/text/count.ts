/**
 * A count with its noun in the right number: `countOf(1, "user")` is "1 user", `countOf(3, "user")`
 * "3 users"; irregular plurals go in `many`.
 */
export function countOf(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/**
 * "How many people are connected" as a sentence: "No one is connected yet.", "1 user is connected.",
 * "3 users are connected."
 */
export function connectedUsersSentence(n: number): string {
  if (n === 0) return "No one is connected yet.";
  return `${countOf(n, "user")} ${n === 1 ? "is" : "are"} connected.`;
}
