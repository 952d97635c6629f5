function escapeHtml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const STYLE = `body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#1f2328}
main{border:1px solid #d0d7de;border-radius:.5rem;padding:1.5rem}
button{font:inherit;padding:.5rem 1rem;border-radius:.375rem;border:1px solid #1f883d;cursor:pointer}
.approve{background:#1f883d;color:#fff}.deny{background:#fff;color:#1f2328;border-color:#d0d7de;margin-left:.5rem}
button:focus-visible{outline:3px solid #0969da;outline-offset:2px}`;

export interface ConsentPageInput {
  providerLabel: string;
  appName: string;
  login: string;
  scopes: string[];
  requestId: string;
  actionPath: string;
  redirectUri: string;
}

/** A minimal, accessible consent page: one form, an "Authorize" button and a "Cancel" button. */
export function consentPage(input: ConsentPageInput): string {
  const scopes =
    input.scopes.length > 0
      ? `<ul>${input.scopes.map((scope) => `<li><code>${escapeHtml(scope)}</code></li>`).join("")}</ul>`
      : "<p>No scopes: read-only access to public information.</p>";
  let redirectHost = input.redirectUri;
  try {
    redirectHost = new URL(input.redirectUri).origin;
  } catch {
    // keep the raw value
  }
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Authorize ${escapeHtml(input.appName)} · ${escapeHtml(input.providerLabel)} (sandbox)</title>
<style>${STYLE}</style></head>
<body>
<main>
<h1>Authorize ${escapeHtml(input.appName)}</h1>
<p><strong>${escapeHtml(input.appName)}</strong> wants to access your ${escapeHtml(input.providerLabel)} account
<strong data-testid="consent-login">${escapeHtml(input.login)}</strong>.</p>
<h2>Requested permissions</h2>
${scopes}
<form method="post" action="${escapeHtml(input.actionPath)}">
<input type="hidden" name="request_id" value="${escapeHtml(input.requestId)}">
<button type="submit" class="approve" name="decision" value="approve">Authorize</button>
<button type="submit" class="deny" name="decision" value="deny">Cancel</button>
</form>
<p>Authorizing will redirect to <code>${escapeHtml(redirectHost)}</code>.</p>
</main>
</body>
</html>`;
}

/** A plain error page (the providers show one when they cannot redirect back). */
export function errorPage(title: string, message: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${STYLE}</style></head>
<body><main><h1>${escapeHtml(title)}</h1><p role="alert">${escapeHtml(message)}</p></main></body>
</html>`;
}
