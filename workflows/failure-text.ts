/** The innermost message of a failure chain: what a person needs to read to fix the cause (capped for history). */
export function innermostMessage(err: unknown): string {
  let current: unknown = err;
  let message = err instanceof Error ? err.message : String(err);
  while (current instanceof Error && current.cause) {
    current = current.cause;
    if (current instanceof Error && current.message) message = current.message;
  }
  return message.slice(0, 2000);
}
