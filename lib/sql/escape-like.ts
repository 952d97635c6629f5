/**
 * `text` for a LIKE/ILIKE pattern, matched as itself: `%`, `_` and the escape character `\`
 * (PostgreSQL's default) typed into a search box are not wildcards.
 */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}
