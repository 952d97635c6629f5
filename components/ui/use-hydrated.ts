import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

/**
 * False in the server's HTML and until React has hydrated the page, true after. A form that seals
 * a secret in the browser keeps its submit button disabled until then: submitted before its
 * script runs, a form without a server action would send the secret in plain text, in a GET URL.
 */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    subscribe,
    () => true,
    () => false,
  );
}
