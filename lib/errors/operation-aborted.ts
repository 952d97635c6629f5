import type { ErrorEntry } from "./catalogue";

/**
 * The catalogue's `operation_aborted` entry on its own: the OAuth return banner shows it for a job
 * that ended without a code, and importing it alone keeps the whole catalogue out of that page.
 */
export const operationAborted = {
  status: 504,
  title: "Failed to create provider - Aborted: operation cancelled",
  explanation:
    "The runner did not finish the operation in time, or it was cancelled. This usually happens while validating a personal access token against a slow or unreachable provider.",
  remedy: "Switch from a personal access token to OAuth for this provider.",
} satisfies ErrorEntry;
