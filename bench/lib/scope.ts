/**
 * A stack of clean-up steps (stop a server, drop a database, remove a temp dir), run in reverse
 * order exactly once, whether the benchmark ends normally, throws, or the run is interrupted.
 */
export class Scope {
  private steps: Array<{ label: string; fn: () => unknown }> = [];
  private closing: Promise<string[]> | undefined;

  /** Registers a clean-up step; returns a function that runs it now (once) and unregisters it. */
  add(label: string, fn: () => unknown): () => Promise<void> {
    const step = { label, fn };
    this.steps.push(step);
    let done: Promise<void> | undefined;
    return () => {
      done ??= (async () => {
        const i = this.steps.indexOf(step);
        if (i >= 0) this.steps.splice(i, 1);
        await fn();
      })();
      return done;
    };
  }

  /** Runs every remaining step, newest first; returns the failures (never throws). */
  close(): Promise<string[]> {
    this.closing ??= (async () => {
      const failures: string[] = [];
      while (this.steps.length > 0) {
        const step = this.steps.pop()!;
        try {
          await step.fn();
        } catch (e) {
          failures.push(`${step.label}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }
      return failures;
    })();
    return this.closing;
  }
}
