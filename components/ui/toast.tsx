"use client";

import { createContext, useCallback, useContext, useMemo, useState } from "react";
import { cn } from "./cn";

type Toast = { id: number; tone: "success" | "error" | "info"; title: string; body?: string; link?: { href: string; label: string }; persist?: boolean };
type ToastApi = { show: (t: Omit<Toast, "id">) => void };

const ToastContext = createContext<ToastApi | null>(null);

/**
 * Announces short results ("Member added") in a polite live region; errors, and notices marked
 * `persist` (ones that ask the person to do something, with a link), stay until dismissed.
 */
export function ToastProvider({ children }: { children: React.ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const dismiss = useCallback((id: number) => setToasts((all) => all.filter((t) => t.id !== id)), []);
  const show = useCallback(
    (t: Omit<Toast, "id">) => {
      const id = Date.now() + Math.random();
      setToasts((all) => [...all.slice(-3), { ...t, id }]);
      if (t.tone !== "error" && !t.persist) setTimeout(() => dismiss(id), 6000);
    },
    [dismiss],
  );
  const api = useMemo(() => ({ show }), [show]);
  return (
    <ToastContext.Provider value={api}>
      {children}
      <div role="status" aria-live="polite" className="pointer-events-none fixed bottom-4 right-4 z-50 flex w-80 flex-col gap-2">
        {toasts.map((t) => (
          <div
            key={t.id}
            className={cn(
              "pointer-events-auto rounded-md border bg-white p-3 text-sm shadow-lg",
              t.tone === "error" ? "border-red-700" : t.tone === "success" ? "border-green-700" : "border-gray-400",
            )}
          >
            <div className="flex items-start justify-between gap-2">
              <p className="font-medium text-gray-900">{t.title}</p>
              <button type="button" onClick={() => dismiss(t.id)} className="text-gray-700 hover:text-gray-900" aria-label="Dismiss notification">
                ×
              </button>
            </div>
            {t.body ? <p className="mt-1 text-gray-700">{t.body}</p> : null}
            {t.link ? (
              <a href={t.link.href} target="_blank" rel="noreferrer noopener" className="mt-1 inline-block font-medium text-brand-700 underline">
                {t.link.label}
                <span className="sr-only"> (opens in a new tab)</span>
              </a>
            ) : null}
          </div>
        ))}
      </div>
    </ToastContext.Provider>
  );
}

export function useToast(): ToastApi {
  const api = useContext(ToastContext);
  if (!api) throw new Error("useToast needs a ToastProvider");
  return api;
}
