import { runAgentTools } from "./commands";

/** `npm run -s agent-tools -- <command> ...` from a checkout; the artifact has them as `scm-runner agent-tools`. */
void runAgentTools(process.argv.slice(2)).then((code) => process.exit(code));
