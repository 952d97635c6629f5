import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { errorCatalogue, type ErrorCode } from "@/lib/errors/catalogue";

/**
 * A tool call refused or failed with a catalogue code. `message` is written by this module or by
 * the provider mapping (never copied from an exception or a provider body unchecked), so it is safe
 * to hand to an agent, print from the CLI, and store nowhere secret.
 */
export class ToolFailure extends Error {
  readonly code: ErrorCode;
  readonly fieldErrors?: Record<string, string[]>;
  /** Rate limits: how long to wait before calling again. */
  readonly retryAfterSeconds?: number;

  constructor(code: ErrorCode, message?: string, opts: { fieldErrors?: Record<string, string[]>; retryAfterSeconds?: number } = {}) {
    super(message ?? errorCatalogue[code].explanation);
    this.name = "ToolFailure";
    this.code = code;
    this.fieldErrors = opts.fieldErrors;
    this.retryAfterSeconds = opts.retryAfterSeconds;
  }
}

export function isToolFailure(e: unknown): e is ToolFailure {
  return e instanceof ToolFailure;
}

/** The machine-readable form of a failure: what the CLI prints and what `structuredContent` carries. */
export type ToolErrorBody = {
  error: {
    code: ErrorCode;
    title: string;
    message: string;
    remedy: string;
    fieldErrors?: Record<string, string[]>;
    retryAfterSeconds?: number;
  };
};

/**
 * Catalogue entries whose wording is for a person at a form ("Correct the highlighted fields and
 * submit again"): the same codes, worded for the model that made the call.
 */
const agentWording: Partial<Record<ErrorCode, { title: string; remedy: string }>> = {
  validation_failed: {
    title: "The call's arguments were not accepted",
    remedy: "Change the arguments named in the message (and in fieldErrors, when present), then call the tool again.",
  },
};

/** A failure's title and remedy as an agent reads them. */
export function agentEntry(code: ErrorCode): { title: string; remedy: string } {
  return agentWording[code] ?? errorCatalogue[code];
}

export function toolErrorBody(failure: ToolFailure): ToolErrorBody {
  const entry = agentEntry(failure.code);
  return {
    error: {
      code: failure.code,
      title: entry.title,
      message: failure.message,
      remedy: entry.remedy,
      ...(failure.fieldErrors ? { fieldErrors: failure.fieldErrors } : {}),
      ...(failure.retryAfterSeconds !== undefined ? { retryAfterSeconds: failure.retryAfterSeconds } : {}),
    },
  };
}

/** One line per fact, so a model reading the text finds the code, what went wrong and what to do. */
export function describeToolFailure(failure: ToolFailure): string {
  const { error } = toolErrorBody(failure);
  const lines = [`Error ${error.code}: ${error.title}.`, error.message];
  for (const [field, messages] of Object.entries(error.fieldErrors ?? {})) lines.push(`- ${field}: ${messages.join("; ")}`);
  if (error.retryAfterSeconds !== undefined) lines.push(`Retry after ${error.retryAfterSeconds} seconds.`);
  lines.push(`Remedy: ${error.remedy}`);
  return lines.join("\n");
}

/**
 * An MCP tool error (`isError: true`): the agent sees it as the tool's answer, not as a protocol
 * failure. The description in words, then the same body as JSON. No `structuredContent`: that is
 * for the result the tool's `outputSchema` describes, and clients check it against that schema.
 */
export function toolErrorResult(failure: ToolFailure): CallToolResult {
  return {
    isError: true,
    content: [
      { type: "text", text: describeToolFailure(failure) },
      { type: "text", text: JSON.stringify(toolErrorBody(failure)) },
    ],
  };
}
