export type GroupLimits = { maxMs: number; maxSize: number };

/**
 * Calls `then` after the first turn of the event loop in which a group did not grow (`size()` is the
 * same as one turn before), or once the group is `maxMs` old or holds `maxSize` members.
 *
 * Group commit waits this way. Under load the requests in flight reach their writes over several
 * consecutive turns; committing after the first of those turns splits them into many small commits,
 * each paying the transaction's fixed cost (the locks, the log frames). Waiting while the turns keep
 * adding to the group lets one commit carry them all, and costs no time at rest: a turn with nothing
 * new passes at once. The bounds keep a steady stream of writes from holding a group open.
 */
export function whenQuiet(size: () => number, limits: GroupLimits, then: () => void): void {
  const startedAt = performance.now();
  let seen = size();
  const check = () => {
    const now = size();
    if (now > seen && now < limits.maxSize && performance.now() - startedAt < limits.maxMs) {
      seen = now;
      setImmediate(check);
      return;
    }
    then();
  };
  setImmediate(check);
}
