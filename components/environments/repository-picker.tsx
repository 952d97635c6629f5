"use client";

import { useEffect, useId, useRef, useState } from "react";
import { TextField } from "@/components/ui/input";
import type { ListedRepository, RepositoriesListResult } from "@/lib/environments/repositories-protocol";
import type { EnvironmentHost } from "@/lib/environments/list-environment-hosts";

type Listing =
  | { state: "idle" }
  | { state: "loading" }
  | { state: "done"; result: RepositoriesListResult }
  | { state: "failed"; code: string; title: string; message: string };

const DEBOUNCE_MS = 300;

/** Typed text that is (the start of) a URL is the person's own answer: nothing to search for. */
function looksLikeUrl(text: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(text.trim()) || /^https?:?\/?\/?$/i.test(text.trim());
}

function typedHost(text: string): string | null {
  try {
    return new URL(text.trim()).host.toLowerCase() || null;
  } catch {
    return null;
  }
}

/**
 * The repository field of the environment form as an ARIA 1.2 combobox: typing a name asks the
 * runner (debounced) for the repositories the person's own connection can see on the chosen
 * host, and choosing one fills in its clone URL; a URL typed or pasted by hand is kept as it is.
 * The runner, not the browser or the plane, holds the token the listing uses.
 */
export function RepositoryPicker({
  id,
  runnerId,
  hosts,
  value,
  onChange,
  errors,
  hint,
  placeholder,
}: {
  id: string;
  runnerId: string;
  hosts: ReadonlyArray<EnvironmentHost>;
  value: string;
  onChange: (value: string) => void;
  errors?: string[];
  hint: string;
  placeholder: string;
}) {
  const listboxId = useId();
  const hostFieldId = useId();
  const statusId = useId();
  const [chosenHost, setChosenHost] = useState(hosts[0]?.host ?? "");
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(-1);
  const [listing, setListing] = useState<Listing>({ state: "idle" });
  const request = useRef<AbortController | null>(null);

  const fromUrl = typedHost(value);
  const host = fromUrl && hosts.some((h) => h.host === fromUrl) ? fromUrl : chosenHost;
  const search = looksLikeUrl(value) ? null : value.trim();
  const options: ListedRepository[] = listing.state === "done" ? listing.result.repositories : [];
  const expanded = open && search !== null && listing.state !== "idle";

  useEffect(() => {
    if (!open || search === null || !host || !runnerId) return;
    const timer = setTimeout(() => {
      request.current?.abort();
      const controller = new AbortController();
      request.current = controller;
      setListing({ state: "loading" });
      const q = new URLSearchParams({ runnerId, host });
      if (search) q.set("q", search);
      fetch(`/api/environments/repositories?${q}`, { signal: controller.signal, headers: { accept: "application/json" } })
        .then(async (response) => {
          const body = (await response.json().catch(() => null)) as (RepositoriesListResult & { error?: { code: string; title: string; message: string } }) | null;
          if (controller.signal.aborted) return;
          if (response.ok && body && Array.isArray(body.repositories)) {
            setListing({ state: "done", result: body });
            setActive(-1);
          } else {
            const error = body?.error ?? { code: "internal_error", title: "Something went wrong", message: "The repositories could not be listed." };
            setListing({ state: "failed", ...error });
          }
        })
        .catch(() => {
          if (!controller.signal.aborted) setListing({ state: "failed", code: "internal_error", title: "No answer", message: "The repositories could not be listed; type the URL instead." });
        });
    }, DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [open, search, host, runnerId]);

  useEffect(() => () => request.current?.abort(), []);

  const choose = (repo: ListedRepository) => {
    onChange(repo.cloneUrl);
    setOpen(false);
    setActive(-1);
  };

  const onKeyDown = (e: React.KeyboardEvent<HTMLInputElement>) => {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      setOpen(true);
      if (options.length > 0) setActive((i) => (i + 1) % options.length);
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      if (options.length > 0) setActive((i) => (i <= 0 ? options.length - 1 : i - 1));
    } else if (e.key === "Enter" && expanded && active >= 0 && options[active]) {
      e.preventDefault();
      choose(options[active]);
    } else if (e.key === "Escape" && expanded) {
      e.preventDefault();
      setOpen(false);
      setActive(-1);
    }
  };

  const status =
    listing.state === "loading"
      ? "Asking the runner…"
      : listing.state === "failed"
        ? `${listing.title}: ${listing.message}`
        : listing.state === "done"
          ? `${options.length === 0 ? "No repositories match" : `${options.length} ${options.length === 1 ? "repository" : "repositories"}`}${listing.result.truncated ? "; more exist, type more of the name" : ""}.`
          : "";

  return (
    <div className="flex min-w-0 flex-col gap-2">
      {hosts.length > 1 ? (
        <div className="flex items-center gap-2 text-sm">
          <label htmlFor={hostFieldId} className="text-gray-900">
            Pick from
          </label>
          <select id={hostFieldId} value={host} onChange={(e) => setChosenHost(e.target.value)} className="rounded-md border border-gray-400 bg-white px-2 py-1 text-sm text-gray-900">
            {hosts.map((h) => (
              <option key={h.host} value={h.host}>
                {h.host}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <div className="relative">
        <TextField
          id={id}
          label="Repository URL"
          name="repoUrl"
          inputMode="url"
          role="combobox"
          aria-expanded={expanded}
          aria-controls={listboxId}
          aria-autocomplete="list"
          aria-activedescendant={expanded && active >= 0 ? `${listboxId}-${active}` : undefined}
          placeholder={placeholder}
          value={value}
          onChange={(e) => {
            onChange(e.target.value);
            setOpen(true);
          }}
          onFocus={() => setOpen(true)}
          onBlur={() => setOpen(false)}
          onKeyDown={onKeyDown}
          errors={errors}
          hint={`${hint} Or type a name to pick from your repositories on ${host || "the host"}.`}
          autoComplete="off"
          spellCheck={false}
          required
        />
        <ul
          id={listboxId}
          role="listbox"
          aria-label={`Repositories on ${host}`}
          hidden={!expanded || options.length === 0}
          className="absolute left-0 right-0 z-10 mt-1 max-h-64 overflow-y-auto rounded-md border border-gray-300 bg-white py-1 shadow-lg"
        >
          {options.map((repo, i) => (
            <li
              key={repo.cloneUrl}
              id={`${listboxId}-${i}`}
              role="option"
              aria-selected={i === active}
              // Chosen on mouse down, before the input's blur closes the list.
              onMouseDown={(e) => {
                e.preventDefault();
                choose(repo);
              }}
              className={`cursor-pointer px-3 py-1.5 text-sm ${i === active ? "bg-blue-100 text-gray-900" : "text-gray-900 hover:bg-gray-100"}`}
            >
              <span className="font-medium">{repo.fullName}</span>
              {repo.private ? <span className="ml-2 text-xs text-gray-600">private</span> : null}
            </li>
          ))}
        </ul>
      </div>
      <p id={statusId} role="status" aria-live="polite" className={`text-xs ${listing.state === "failed" ? "text-red-700" : "text-gray-600"}`} data-code={listing.state === "failed" ? listing.code : undefined}>
        {expanded ? status : ""}
      </p>
    </div>
  );
}
