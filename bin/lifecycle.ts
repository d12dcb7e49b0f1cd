import { ConfigError } from '../platform/config';
import { AlreadyRunningError } from '../platform/supervision';

type Stop = () => Promise<unknown> | unknown;

/**
 * Runs `main`, which registers stop steps as it starts things. SIGINT/SIGTERM (or a failure, or
 * `main` returning) runs them once, in reverse order, so every child process is stopped cleanly.
 *
 * Whatever asks to stop while the steps run (a second Ctrl-C, a launcher relaying the signal,
 * `main` returning because stopping the worker ended its run) waits for the same steps to
 * finish: the process exits only after the last one, never halfway through (that left
 * Temporal's dev server running as an orphan).
 */
export function runUntilSignal(main: (onStop: (stop: Stop) => void) => Promise<unknown>): void {
  const stops: Stop[] = [];
  let stopping: Promise<number> | null = null;
  const stopAll = async (code: number): Promise<never> => {
    stopping ??= (async () => {
      for (const stop of [...stops].reverse()) {
        try {
          await stop();
        } catch (error) {
          console.error('while stopping:', (error as Error).message);
        }
      }
      return code;
    })();
    process.exit(await stopping);
  };
  process.on('SIGINT', () => void stopAll(0));
  process.on('SIGTERM', () => void stopAll(0));
  main((stop) => stops.push(stop)).then(
    () => stopAll(0),
    (error: unknown) => {
      console.error(error instanceof ConfigError || error instanceof AlreadyRunningError ? error.message : error);
      return stopAll(1);
    },
  );
}
