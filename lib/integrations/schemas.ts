import { z } from "zod";
import { providerIds } from "../providers/types";

/** Where a provider lives: its SaaS host, or a self-hosted instance (Enterprise Server, self-managed, Server). */
export const deployments = ["cloud", "self_hosted"] as const;
export type Deployment = (typeof deployments)[number];

/** Form switches submit "true"/"false"; plain objects may send booleans. */
const flag = z
  .union([z.boolean(), z.enum(["true", "false", "on"])])
  .optional()
  .transform((v) => v === true || v === "true" || v === "on");

/** Empty text counts as not given. */
const optionalText = (max: number, message = `At most ${max} characters`) =>
  z
    .string()
    .trim()
    .max(max, message)
    .optional()
    .nullable()
    .transform((v) => (v ? v : null));

/**
 * Repeated form fields (checkboxes) arrive as one string or an array of them. Not given at all
 * (null) means "the provider's defaults" on create and "unchanged" on update.
 */
const scopeList = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .nullable()
  .transform((v) => (v === undefined || v === null ? null : Array.isArray(v) ? v : [v]))
  .pipe(z.array(z.string().trim().min(1).max(200)).max(30, "Too many scopes").nullable());

const clientId = optionalText(200).refine((v) => v === null || /^[\x21-\x7e]+$/.test(v), "The client id has spaces or characters a client id never has");

/**
 * The auth-method fields shared by create and update. The client secret only ever arrives sealed
 * in the browser (`sbx1.` format) together with the host it was sealed for; there is no plaintext
 * field at all, so a plaintext secret cannot be accepted even by mistake.
 */
const methodFields = {
  oauthEnabled: flag,
  oauthClientId: clientId,
  /** A sealed box for the runner; absent on edit to keep the stored one. */
  oauthClientSecretSealed: optionalText(8192, "The sealed secret is too large"),
  /** The normalized host the browser put in the sealed box's context. */
  oauthSecretHost: optionalText(260),
  oauthScopes: scopeList,
  patEnabled: flag,
  patScopes: scopeList,
  /** Azure DevOps: the Entra ID issuer (tenant) URL. */
  issuerUrl: optionalText(300),
  /** Azure DevOps Server: the collection's virtual directory. */
  virtualDirectory: optionalText(100),
  /**
   * The host may resolve to private network addresses (RFC 1918, unique local, CGNAT): a provider
   * inside the company network. Link-local and cloud metadata addresses are refused regardless.
   */
  allowPrivateHosts: flag,
  /** Save & Test (true) or save only (false). */
  test: flag,
};

type MethodInput = {
  oauthEnabled: boolean;
  oauthClientId: string | null;
  oauthScopes: string[] | null;
  patEnabled: boolean;
  patScopes: string[] | null;
};

/** Field rules that do not depend on stored state: at least one method, a client id and scopes for each. */
function requireMethods(v: MethodInput, ctx: z.RefinementCtx) {
  if (!v.oauthEnabled && !v.patEnabled) {
    ctx.addIssue({ code: "custom", path: ["methods"], message: "Turn on OAuth, personal access tokens, or both" });
  }
  if (v.oauthEnabled && !v.oauthClientId) ctx.addIssue({ code: "custom", path: ["oauthClientId"], message: "Enter the OAuth application's client id" });
  if (v.oauthEnabled && v.oauthScopes?.length === 0) ctx.addIssue({ code: "custom", path: ["oauthScopes"], message: "Choose at least one scope" });
  if (v.patEnabled && v.patScopes?.length === 0) ctx.addIssue({ code: "custom", path: ["patScopes"], message: "Choose at least one scope" });
}

export const createIntegrationSchema = z
  .object({
    runnerId: z.uuid("Unknown runner"),
    /** Chosen when the form opens, so the OAuth callback URL can be registered before saving. */
    integrationId: z.uuid("Reload the page and try again"),
    provider: z.enum(providerIds, "Choose a provider"),
    deployment: z.enum(deployments, "Choose where the provider runs"),
    host: optionalText(253, "The host name is too long"),
    ...methodFields,
  })
  .superRefine(requireMethods);
export type CreateIntegrationInput = z.output<typeof createIntegrationSchema>;

/** Provider and host are fixed once created (users' credentials belong to the host): remove and add instead. */
export const updateIntegrationSchema = z
  .object({
    integrationId: z.uuid("Unknown integration"),
    ...methodFields,
  })
  .superRefine(requireMethods);
export type UpdateIntegrationInput = z.output<typeof updateIntegrationSchema>;

export const integrationIdSchema = z.object({ integrationId: z.uuid("Unknown integration") });

export const jobIdSchema = z.uuid();
