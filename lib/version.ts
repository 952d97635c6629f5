import packageJson from "../package.json";

/** The management plane's version (the project's `package.json`), which runners compare theirs with. */
export const PLANE_VERSION: string = packageJson.version;
