import { parseCli, USAGE } from './cli.js';
import { loadConfig } from './config.js';
import { createGossipDaemon } from './daemon.js';
import { systemClock } from './clock.js';
import { loadHostIdentity } from './hostkey.js';
import { keygen, KEYGEN_USAGE, parseKeygenArgs } from './keygen.js';
import { createRootLogger } from './logger.js';
import { shouldWatchParent, watchParent } from './parent-watch.js';
import { packageVersion } from './version.js';
import { StopSignals } from './stop-signals.js';

/** A stop that takes longer than this is cut short (exit 1), so a stuck socket cannot keep the process alive. */
const SHUTDOWN_DEADLINE_MS = 5_000;

/** After a second signal, the last log lines get this long to leave. */
const SECOND_SIGNAL_FLUSH_MS = 100;

function fail(line: string, status: number): never {
  process.stderr.write(`gossip5: ${line}\n`);
  process.exit(status);
}

function errorCode(err: unknown): string | undefined {
  return typeof err === 'object' && err !== null ? (err as { code?: string }).code : undefined;
}

async function runKeygen(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${KEYGEN_USAGE}\n`);
    return;
  }
  let opts;
  try {
    opts = parseKeygenArgs(argv, process.env.INIT_CWD || process.cwd());
  } catch (err) {
    if (errorCode(err) === 'GOSSIP_ERR_USAGE') fail(`${(err as Error).message} (see keygen --help)`, 2);
    throw err;
  }
  try {
    const identity = await keygen(opts);
    process.stdout.write(`${identity.hex}\n`);
    process.stderr.write(`gossip5: wrote ${opts.type === 'rsa' ? `RSA-${opts.bits}` : 'Ed25519'} hostkey ${opts.out}\n`);
  } catch (err) {
    const code = errorCode(err);
    if (code === 'EEXIST') fail(`keygen: ${opts.out} exists; not overwriting a key`, 2);
    if (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR') fail(`keygen: cannot write ${opts.out} (${code})`, 2);
    throw err;
  }
}

async function main(): Promise<void> {
  if (process.argv[2] === 'keygen') return runKeygen(process.argv.slice(3));
  let cli;
  try {
    cli = parseCli(process.argv.slice(2), process.env, process.cwd());
  } catch (err) {
    if (errorCode(err) === 'GOSSIP_ERR_USAGE') fail(`${(err as Error).message} (see --help)`, 2);
    throw err;
  }
  if (cli.help) {
    process.stdout.write(USAGE.endsWith('\n') ? USAGE : `${USAGE}\n`);
    return;
  }
  if (cli.version) {
    process.stdout.write(`gossip5 ${packageVersion()}\n`);
    return;
  }

  let config;
  let identity;
  try {
    config = await loadConfig(cli.configPath, {
      validationTimeoutMs: cli.validationTimeoutMs,
      spreadSuppressionMs: cli.spreadSuppressionMs,
    });
    identity = await loadHostIdentity(config);
  } catch (err) {
    if (errorCode(err) === 'GOSSIP_ERR_CONFIG') fail((err as Error).message, 2);
    throw err;
  }

  const root = createRootLogger({ level: cli.logLevel });
  const log = root.logger.child({ component: 'daemon' });
  for (const warning of config.warnings) log.warn({ file: config.file }, warning);

  const clock = systemClock;
  const daemon = createGossipDaemon(config, { logger: root.logger, clock, identity });
  try {
    await daemon.start();
  } catch (err) {
    await root.flush(clock);
    if (errorCode(err) === 'GOSSIP_ERR_LISTEN') fail((err as Error).message, 1);
    throw err;
  }
  /** Exit once the log lines are out (or stdout is gone, or LOG_FLUSH_MS passed). */
  const exit = (status: number) => void root.flush(clock).then(() => process.exit(status));

  const signals = new StopSignals(clock);
  let stopWatch = () => {};
  const shutdown = (signal: NodeJS.Signals | 'parent-exited') => {
    const action = signals.next();
    if (action === 'ignore') return;
    if (action === 'exit-now') {
      log.warn({ signal }, 'second signal: exiting at once');
      void root.flush(clock, SECOND_SIGNAL_FLUSH_MS).then(() => process.exit(1));
      return;
    }
    log.info({ signal }, 'shutting down');
    stopWatch();
    clock.setTimeout(() => {
      log.error({ deadlineMs: SHUTDOWN_DEADLINE_MS }, 'shutdown took too long: exiting');
      exit(1);
    }, SHUTDOWN_DEADLINE_MS);
    daemon
      .stop()
      .then(() => exit(0))
      .catch((err: unknown) => {
        log.error({ err }, 'error while stopping');
        exit(1);
      });
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
  if (shouldWatchParent(process.env)) {
    stopWatch = watchParent(clock, (was, now) => {
      log.warn({ parentPid: was, newParentPid: now }, 'the process that started the daemon exited');
      shutdown('parent-exited');
    });
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`gossip5: unexpected error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
