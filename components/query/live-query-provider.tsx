"use client";

import { QueryClientProvider } from "@tanstack/react-query";
import type { ReactNode } from "react";
import { getQueryClient } from "./client";

/**
 * Wraps only the parts of a page that follow something live (a job, runners' online state, an
 * environment being created or deleted), so pages without them ship no react-query. Every
 * provider in a tab shares one client: nesting them, or several on one page, is harmless.
 */
export function LiveQueryProvider({ children }: { children: ReactNode }) {
  return <QueryClientProvider client={getQueryClient()}>{children}</QueryClientProvider>;
}
