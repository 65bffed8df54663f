import { every, type Clock } from './clock.js';

/** How often the daemon checks that the process that started it is still there. */
export const PARENT_POLL_MS = 1_000;

/**
 * Calls `onGone` once when this process's parent changes (the parent exited and we were
 * re-parented to init or a subreaper). Package managers do not always forward or wait
 * (pnpm sends SIGTERM to its direct child only; a SIGKILLed pnpm sends nothing), so a daemon
 * started from a package script watches its parent instead of living on as an orphan.
 * Returns a function that stops the watch.
 */
export function watchParent(
  clock: Clock,
  onGone: (was: number, now: number) => void,
  ppid: () => number = () => process.ppid,
  pollMs = PARENT_POLL_MS,
): () => void {
  const first = ppid();
  let stop: () => void = () => {};
  stop = every(clock, pollMs, () => {
    const now = ppid();
    if (now === first) return;
    stop();
    onGone(first, now);
  });
  return stop;
}

/**
 * Whether to watch the parent: on when started by a package script (npm/pnpm set
 * `npm_lifecycle_event`), off otherwise, so `node dist/main.js &` from a shell that then
 * exits keeps running as the operator asked. GOSSIP5_WATCH_PARENT=1/0 forces it.
 */
export function shouldWatchParent(env: NodeJS.ProcessEnv): boolean {
  const forced = env.GOSSIP5_WATCH_PARENT;
  if (forced === '1') return true;
  if (forced === '0') return false;
  return typeof env.npm_lifecycle_event === 'string' && env.npm_lifecycle_event !== '';
}
