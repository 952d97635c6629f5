/**
 * The longest token any supported provider issues, with room to spare (GitHub's fine-grained tokens
 * are 93 characters, Azure DevOps' 84, GitLab's and Bitbucket's under 200; OAuth-style JWTs stay
 * well under 4 KB). The runner refuses longer ones too, before putting a token in a header.
 */
export const MAX_TOKEN_LENGTH = 4096;

function describeCharacter(ch: string): string {
  const code = ch.codePointAt(0)!;
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, "0")}`;
  return code < 0x20 || (code >= 0x7f && code < 0xa0) ? `the control character ${hex}` : `“${ch}” (${hex})`;
}

/**
 * What is wrong with a pasted token, checked in the browser before it is sealed, or null when it
 * has a token's shape (1 to 4,096 visible ASCII characters): empty; too long, with its length;
 * spaces or line breaks inside; or another character no token has, named with its position.
 */
export function tokenShapeProblem(token: string): string | null {
  if (token.length === 0) return "Paste the token you created.";
  if (token.length > MAX_TOKEN_LENGTH) {
    return `This is ${token.length.toLocaleString("en-US")} characters long; no provider issues tokens over ${MAX_TOKEN_LENGTH.toLocaleString("en-US")} characters. Copy the token alone, not the text around it.`;
  }
  if (/\s/.test(token)) return "The token contains spaces or line breaks. Copy the token alone, without them.";
  const bad = /[^\x21-\x7e]/u.exec(token);
  if (bad) return `The token contains ${describeCharacter(bad[0])} at position ${bad.index + 1}, which no token has. Copy the token again from the provider.`;
  return null;
}
