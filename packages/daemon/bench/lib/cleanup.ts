/**
 * Whatever happens to the benchmark (an error, Ctrl-C, a crash), no daemon it
 * started outlives it: every live DaemonProcess is killed on the way out.
 */
import { DaemonProcess } from '../../harness/local-network.js';

export function installCleanup(): void {
  process.on('exit', () => DaemonProcess.killAllNow());
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      process.stderr.write(`\nbench: ${signal}: killing ${DaemonProcess.live.size} daemon(s)\n`);
      DaemonProcess.killAllNow();
      process.exit(130);
    });
  }
  process.on('uncaughtException', (err) => {
    process.stderr.write(`bench: ${err.stack ?? err.message}\n`);
    DaemonProcess.killAllNow();
    process.exit(1);
  });
  process.on('unhandledRejection', (err) => {
    process.stderr.write(`bench: unhandled rejection: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    DaemonProcess.killAllNow();
    process.exit(1);
  });
}
