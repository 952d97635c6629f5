import { checkHost } from "../providers/host";

export type ParsedRepoUrl = { ok: true; host: string; baseUrl: string; repoPath: string; url: string } | { ok: false; reason: string };

/**
 * Parses a repository's HTTPS clone URL (`https://github.com/acme/app(.git)`) into its host and
 * path. Refuses credentials in the URL, other schemes (ssh, git, file), queries and fragments,
 * and hosts `checkHost` refuses.
 */
export function parseRepoUrl(input: string, opts: { allowLoopback: boolean }): ParsedRepoUrl {
  const raw = input.trim();
  if (raw.length === 0 || raw.length > 2048) return { ok: false, reason: "Enter the repository's HTTPS URL." };
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, reason: "This is not a URL. Use the HTTPS clone URL, e.g. https://github.com/acme/app." };
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return { ok: false, reason: "Only HTTPS repository URLs are supported." };
  if (url.username || url.password) return { ok: false, reason: "Remove the user name or token from the URL; your connected account is used instead." };
  if (url.search || url.hash) return { ok: false, reason: "Remove the query or fragment from the URL." };
  const host = checkHost(`${url.protocol}//${url.host}`, opts);
  if (!host.ok) return { ok: false, reason: host.reason };
  const segments = url.pathname.split("/").filter(Boolean).map((s) => decodeURIComponent(s));
  if (segments.length < 2 || segments.some((s) => s === "." || s === ".." || !/^[\w.@ -]+$/.test(s))) {
    return { ok: false, reason: "The URL must name a repository, e.g. https://github.com/acme/app." };
  }
  const last = segments.length - 1;
  segments[last] = segments[last]!.replace(/\.git$/, "");
  const repoPath = segments.join("/");
  return { ok: true, host: host.host, baseUrl: host.baseUrl, repoPath, url: `${host.baseUrl}/${repoPath}` };
}
