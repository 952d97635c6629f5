import { getProvider, type ProviderId } from "@/lib/providers";
import { ToolFailure } from "./tool-error";

const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;
const HOST_NAME = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$/;
const HOST_WITH_PORT = /^[A-Za-z0-9.-]+:\d{1,5}$/;

function invalid(message: string): ToolFailure {
  return new ToolFailure("validation_failed", message, { fieldErrors: { repository: [message] } });
}

function mismatch(named: string, host: string): ToolFailure {
  return new ToolFailure("repository_host_mismatch", `The repository is on ${named}, but this environment's tools act only on ${host}. Nothing was done.`, {
    fieldErrors: { repository: [`Must be on ${host}.`] },
  });
}

/** Path segments of a URL's path that name the repository (GitLab's `/-/` starts the page part). */
function repositorySegments(pathname: string, provider: ProviderId): string[] {
  const parts = pathname.replace(/\.git$/, "").split("/").filter(Boolean);
  const cut = parts.indexOf("-");
  const repo = cut >= 0 ? parts.slice(0, cut) : parts;
  return getProvider(provider).repositoryPath === "owner/name" ? repo.slice(0, 2) : repo;
}

/**
 * Reads the `repository` argument: `owner/name` (GitLab: `group/sub/name`), or a web or clone URL,
 * which must be on the environment's host (`repository_host_mismatch` otherwise: the owner's
 * credential is for this host only, and is never sent anywhere else). Returns the repository path,
 * or undefined when none was named (the plane then uses the environment's own).
 */
export function resolveRepository(value: string | undefined, env: { host: string; provider: ProviderId }): string | undefined {
  if (value === undefined) return undefined;
  const provider = getProvider(env.provider);
  const ownerName = provider.repositoryPath === "owner/name";
  let segments: string[];
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) {
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      throw invalid("Not a URL or an owner/name path.");
    }
    if (url.host.toLowerCase() !== env.host.toLowerCase()) throw mismatch(url.host, env.host);
    if (url.protocol !== "https:" && url.protocol !== "http:") throw invalid("Only web (https) URLs name a repository.");
    if (url.username || url.password) throw invalid("Leave credentials out of the repository URL.");
    segments = repositorySegments(url.pathname, env.provider);
  } else {
    segments = value.replace(/\.git$/, "").split("/");
    const first = segments[0] ?? "";
    if (first.toLowerCase() === env.host.toLowerCase()) segments = segments.slice(1);
    // "gitlab.example.com/acme/app": a host where an owner should be. GitHub owners have no dots;
    // GitLab groups may, so there only a port gives a host away.
    else if (segments.length > 2 && (HOST_WITH_PORT.test(first) || (ownerName && HOST_NAME.test(first)))) throw mismatch(first, env.host);
  }
  if (segments.length < 2 || !segments.every((s) => SEGMENT.test(s))) throw invalid('Expected "owner/name" (GitLab: "group/subgroup/name").');
  if (ownerName && segments.length !== 2) throw invalid(`A ${provider.name} repository is named "owner/name".`);
  return segments.join("/");
}
