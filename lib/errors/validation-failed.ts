import type { ErrorEntry } from "./catalogue";

/**
 * The catalogue's `validation_failed` entry on its own, for forms that refuse input before it is
 * sent (their refusal has no server result to carry the description).
 */
export const validationFailed = {
  status: 400,
  title: "Some fields need attention",
  explanation: "One or more values were missing, malformed or too long.",
  remedy: "Correct the highlighted fields and submit again.",
} satisfies ErrorEntry;
