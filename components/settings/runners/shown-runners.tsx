"use client";

import { createContext, lazy, Suspense, useContext, useMemo, useState, type ReactNode } from "react";
import { NOTHING_YET, runnerIn, type LiveRunner, type RunnersSnapshot } from "./live-runner";

/**
 * The query for the shown runners, in a chunk of its own with react-query: the server's HTML
 * already shows every badge, so the list's first load does without it and the browser loads it
 * after hydration. `React.lazy` rather than `next/dynamic`, which would preload the chunk with
 * the page's scripts.
 */
const LiveShownRunners = lazy(() => import("./live-shown-runners").then((m) => ({ default: m.LiveShownRunners })));

const ShownRunners = createContext<{ ids: string[]; snapshot: RunnersSnapshot } | null>(null);

/**
 * The runners a page shows (its page of the list): one status query for all of them, asking about
 * those runners only, shared by their badges. Without it, a badge follows its own runner. The
 * query sits beside the children rather than around them, so its arrival re-renders the badges
 * without remounting the table.
 */
export function ShownRunnersProvider({ ids, children }: { ids: string[]; children?: ReactNode }) {
  const [snapshot, setSnapshot] = useState<RunnersSnapshot>(NOTHING_YET);
  const value = useMemo(() => ({ ids, snapshot }), [ids, snapshot]);
  return (
    <ShownRunners.Provider value={value}>
      {children}
      {ids.length > 0 ? (
        <Suspense fallback={null}>
          <LiveShownRunners ids={ids} onSnapshot={setSnapshot} />
        </Suspense>
      ) : null}
    </ShownRunners.Provider>
  );
}

/** The runner as the shown runners' status has it, or null when no `ShownRunnersProvider` shows it. */
export function useShownRunner(initial: LiveRunner, renderedAt: string): { runner: LiveRunner; now: string } | null {
  const shown = useContext(ShownRunners);
  if (!shown || !shown.ids.includes(initial.id)) return null;
  return runnerIn(shown.snapshot, initial, renderedAt);
}
