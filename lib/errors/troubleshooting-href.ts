/** Where an error code is explained on the troubleshooting page (generated from the catalogue). */
export const TROUBLESHOOTING_PATH = "/docs/troubleshooting";

export function troubleshootingHref(code: string): string {
  return `${TROUBLESHOOTING_PATH}#${encodeURIComponent(code)}`;
}
