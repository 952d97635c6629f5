import { egressRefusal } from "./net/egress";
import { errnoCode } from "@/lib/errors/cause-chain";

/** Why a request got no HTTP answer, in words an admin can act on. */
export type NetworkFailure = { code: string; message: string };

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|UNABLE_TO_|DEPTH_ZERO_|SELF_SIGNED_|HOSTNAME_MISMATCH|ERR_TLS)/;

const MESSAGES: Record<string, string> = {
  ENOTFOUND: "The host name does not resolve (DNS).",
  EAI_AGAIN: "The host name could not be resolved right now (DNS).",
  ECONNREFUSED: "The connection was refused: nothing listens on that host and port.",
  ECONNRESET: "The connection was closed before an answer arrived.",
  UND_ERR_SOCKET: "The connection was closed before an answer arrived.",
  EPIPE: "The connection was closed before an answer arrived.",
  ETIMEDOUT: "Connecting to the host timed out.",
  UND_ERR_CONNECT_TIMEOUT: "Connecting to the host timed out.",
  UND_ERR_HEADERS_TIMEOUT: "The host accepted the connection but did not answer in time.",
  EHOSTUNREACH: "There is no network route to the host.",
  ENETUNREACH: "There is no network route to the host.",
};

// undici wraps the socket error: TypeError("fetch failed") with the system error as `cause`.
const codeOf = errnoCode;

/**
 * Classifies a failed fetch (DNS, refused, reset, TLS, timeout) without echoing the raw error,
 * which may carry URLs or headers. `timeoutMs` names the per-request timeout when it fired.
 */
export function describeNetworkError(e: unknown, timeoutMs?: number): NetworkFailure {
  if (e instanceof DOMException && e.name === "TimeoutError") {
    return { code: "TIMEOUT", message: `The host did not answer within ${Math.round((timeoutMs ?? 0) / 1000)} s.` };
  }
  const refused = egressRefusal(e);
  if (refused) return { code: refused.code, message: refused.message };
  const code = codeOf(e);
  if (code && MESSAGES[code]) return { code, message: MESSAGES[code] };
  if (code && TLS_CODE.test(code)) return { code, message: `The TLS connection failed (${code}): check the host's certificate or the runner's trusted CAs.` };
  if (code) return { code, message: `The connection failed (${code}).` };
  return { code: "NETWORK", message: "The connection failed." };
}
