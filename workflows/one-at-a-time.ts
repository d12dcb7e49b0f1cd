/**
 * Message handlers that share state run one at a time (Temporal's "safe message handlers"
 * pattern; the workflow SDK has no mutex). An update's validator runs when the update arrives,
 * but its handler may wait behind others: the handler checks its command again, inside the
 * lock, against the state it will actually change.
 */
export class OneAtATime {
  private tail: Promise<unknown> = Promise.resolve();

  /** Runs `work` after every earlier piece of work has settled; its result or failure is the caller's. */
  run<T>(work: () => Promise<T> | T): Promise<T> {
    const result = this.tail.then(work);
    this.tail = result.then(
      () => undefined,
      () => undefined,
    );
    return result;
  }
}
