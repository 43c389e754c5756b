/**
 * One error type for every protocol handler of the practice range. Handlers throw it; each service
 * renders it in its own wire shape (Route 53 REST-XML, query `ErrorResponse`, EC2 `Response/Errors`).
 */
export class SimApiError extends Error {
  constructor(
    /** The AWS error code, e.g. "InvalidChangeBatch", "LoadBalancerNotFound". */
    readonly code: string,
    message: string,
    /** HTTP status AWS answers this error with. */
    readonly status = 400,
    /** Individual messages, for errors that carry a list (Route 53 InvalidChangeBatch). */
    readonly messages: string[] = [],
  ) {
    super(message);
    this.name = code;
  }
}
