import { createHash } from "node:crypto";
import type { ToolName } from "@/lib/agents/capabilities";
import { ToolFailure } from "./tool-error";

/**
 * The cursors agents page with. A backend pages however its provider does (a page number, the
 * provider's own cursor) and hands back its position as a plain string; the agent sees it sealed
 * here with the tool it belongs to and a digest of the call's other arguments, so a cursor given
 * to another tool, or with other filters, is refused in words instead of reading the wrong page.
 * Not a secret and not signed: it only says where to go on, and the policy is checked on every
 * call anyway.
 */

type Envelope = { v: 1; t: ToolName; f: string; s: string };

/** The digest of what a cursor is bound to: the repository and the call's arguments besides cursor and limit. */
export function filterDigest(repository: string, input: Record<string, unknown>): string {
  const rest = Object.fromEntries(
    Object.entries(input)
      .filter(([k, v]) => k !== "cursor" && k !== "limit" && k !== "commentLimit" && v !== undefined)
      .sort(([a], [b]) => a.localeCompare(b)),
  );
  return createHash("sha256").update(JSON.stringify([repository, rest])).digest("base64url").slice(0, 16);
}

/** The cursor the agent gets for a backend's position. */
export function sealCursor(tool: ToolName, digest: string, position: string): string {
  const envelope: Envelope = { v: 1, t: tool, f: digest, s: position };
  return Buffer.from(JSON.stringify(envelope)).toString("base64url");
}

function refused(message: string): ToolFailure {
  return new ToolFailure("validation_failed", `${message} Nothing was sent to the provider.`, { fieldErrors: { cursor: [message] } });
}

/** The backend's position in a cursor the agent passed back, checked against the call it is used with. */
export function openCursor(tool: ToolName, digest: string, cursor: string): string {
  let envelope: Partial<Envelope> | null = null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
    if (parsed && typeof parsed === "object") envelope = parsed as Partial<Envelope>;
  } catch {
    envelope = null;
  }
  if (!envelope || envelope.v !== 1 || typeof envelope.s !== "string" || typeof envelope.t !== "string" || typeof envelope.f !== "string") {
    throw refused("This is not a cursor a tool returned: pass nextCursor from the previous answer exactly, or omit cursor to start from the first page.");
  }
  if (envelope.t !== tool) throw refused(`This cursor belongs to ${envelope.t.slice(0, 64)}, not ${tool}: pass it to that tool, or omit cursor here.`);
  if (envelope.f !== digest) {
    throw refused("This cursor was returned for other arguments (another repository, number, state, query or filter): call again with the same arguments as the first page, or omit cursor to start over.");
  }
  return envelope.s;
}
