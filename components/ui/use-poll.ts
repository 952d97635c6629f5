"use client";

import { useEffect, useRef, useState } from "react";

export type PollState<T, E extends Error> = { data: T | undefined; error: E; isError: true } | { data: T | undefined; error: null; isError: false };

export type PollOptions<T, E extends Error> = {
  /** What is followed; a new key starts over. `null` follows nothing. */
  key: string | null;
  fetch: (signal: AbortSignal) => Promise<T>;
  /** The wait before the next request, given the latest state; `false` stops. */
  interval: (state: { data: T | undefined; error: E | null }) => number | false;
  /** Failed requests retried (a second apart) before the error is shown. Default 2. */
  retry?: number;
  /** What the server rendered: shown at once, and the first request waits one interval. */
  initialData?: T;
};

/**
 * Follows something that changes while a page is open (a runner job, runners' online state): asks
 * at once (or after one interval when the page already rendered the data), then again after each
 * answer for as long as `interval` says. Requests in flight are aborted when the key changes or
 * the component goes away; answers for an old key are dropped.
 */
export function usePoll<T, E extends Error = Error>(opts: PollOptions<T, E>): PollState<T, E> {
  const { key } = opts;
  // The latest callbacks, for requests already scheduled (updated before the polling effect runs).
  const latest = useRef(opts);
  useEffect(() => {
    latest.current = opts;
  });
  const [state, setState] = useState<{ key: string | null; data: T | undefined; error: E | null }>({ key, data: opts.initialData, error: null });

  useEffect(() => {
    if (key === null) return;
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let data = latest.current.initialData;
    const wait = (ms: number) => new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)));
    const run = async () => {
      if (data !== undefined) {
        const first = latest.current.interval({ data, error: null });
        if (first === false) return;
        await wait(first);
      }
      for (let failures = 0; !controller.signal.aborted; ) {
        let error: E | null = null;
        try {
          data = await latest.current.fetch(controller.signal);
          failures = 0;
        } catch (e) {
          if (controller.signal.aborted) return;
          if (failures++ < (latest.current.retry ?? 2)) {
            await wait(1_000);
            continue;
          }
          error = e as E;
        }
        if (controller.signal.aborted) return;
        setState({ key, data, error });
        const next = latest.current.interval({ data, error });
        if (next === false) return;
        await wait(next);
      }
    };
    void run();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [key]);

  // Until a new key's first answer, its own initial data.
  const current = state.key === key ? state : { data: opts.initialData, error: null };
  return current.error !== null ? { data: current.data, error: current.error, isError: true } : { data: current.data, error: null, isError: false };
}
