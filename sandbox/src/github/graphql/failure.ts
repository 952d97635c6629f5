/**
 * An error GitHub's GraphQL API reports in `errors` next to a partial `data` (HTTP 200), with its
 * `type` (`NOT_FOUND`, `FORBIDDEN`, ...), the path of the field that failed and a message.
 */
export class GraphqlFailure extends Error {
  constructor(
    readonly type: string,
    message: string,
    /** Only for messages that name a connection. */
    readonly connection?: string,
  ) {
    super(message);
  }
}
