import type { ErrorEntry } from "./catalogue";

/**
 * The catalogue's `internal_error` entry on its own, for error boundaries: they show only this
 * one, and importing it alone keeps the whole catalogue out of the JavaScript every page loads.
 */
export const internalError = {
  status: 500,
  title: "Something went wrong",
  explanation: "An unexpected error occurred. Nothing was changed.",
  remedy: "Try again. If it keeps happening, contact support with the time of the error.",
} satisfies ErrorEntry;
