// How long background work waits before trying again after a failure: the one back-off schedule of the job
// worker, documented to relying systems as the schedule of outcome callbacks.

/** Seconds to wait before callback attempt `attempt` (1-based): 10 s, 30 s, 90 s, … capped at one hour. */
export function callbackRetryDelaySeconds(attempt: number): number {
  return Math.min(3600, 10 * 3 ** Math.max(0, attempt - 1));
}
