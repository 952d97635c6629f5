/**
 * What a person is shown about a typed error: the catalogue entry without its HTTP status. The
 * server describes a code (`describeCode`) and sends this along with it, so client code renders
 * errors without bundling the whole catalogue.
 */
export type ErrorDescription = { title: string; explanation: string; remedy: string };

/** Descriptions of the codes a response or page may show, keyed by code. */
export type ErrorDescriptions = Record<string, ErrorDescription>;

/** A value sent to the browser with the descriptions of the codes in it. */
export type WithErrorDescriptions<T> = T & { errors: ErrorDescriptions };
