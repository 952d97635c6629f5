import { ToolFailure } from "../../agent-tools/tool-error";

/**
 * The words of a search_issues / search_pull_requests query as GitHub's search takes them, within
 * the repository the call names. GitHub reads `repo:`, `org:`, `is:` and other qualifiers anywhere
 * in `q`, and ORs several `repo:` together: taken as given, `crash repo:other/secret` would search
 * another repository while the activity list records this one, and the pull request search would
 * read the numbers it found in the wrong repository. Qualifiers are dropped, and said so.
 */
export function searchWords(query: string): { words: string; notes: string[] } {
  const tokens = query.split(/\s+/).filter(Boolean);
  const qualifier = (t: string) => /^-?[A-Za-z_]+:/.test(t);
  const dropped = tokens.filter(qualifier);
  const words = tokens.filter((t) => !qualifier(t)).join(" ");
  if (!words) {
    throw new ToolFailure("validation_failed", "The query holds only search qualifiers (such as repo: or is:), which the tool does not take: give words to look for. Nothing was sent to GitHub.", {
      fieldErrors: { query: ["Give words to look for; qualifiers such as repo: or is: are not taken."] },
    });
  }
  const notes = dropped.length
    ? [`Search qualifiers are not taken (${dropped.slice(0, 3).map((d) => JSON.stringify(d.slice(0, 40))).join(", ")}${dropped.length > 3 ? ", …" : ""}): the tool searches this repository for the other words; use state for open or closed.`]
    : [];
  return { words, notes };
}
