export const ROOT: string;
export const APP_SOURCES: string[];
export const RUNNER_SOURCES: string[];
export function sourceHash(sources: string[]): string;
export function distDir(env?: NodeJS.ProcessEnv): string;
export function isFresh(dir: string, hash: string): boolean;
export function stamp(dir: string, hash: string): void;
