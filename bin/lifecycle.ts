import { ConfigError } from '../platform/config';
import { AlreadyRunningError } from '../platform/supervision';

type Stop = () => Promise<unknown> | unknown;

/**
 * Runs `main`, which registers stop steps as it starts things. SIGINT/SIGTERM (or a failure)
 * runs them in reverse order, so every child process is stopped cleanly.
 */
export function runUntilSignal(main: (onStop: (stop: Stop) => void) => Promise<unknown>): void {
  const stops: Stop[] = [];
  let stopping = false;
  const stopAll = async (code: number): Promise<never> => {
    if (!stopping) {
      stopping = true;
      for (const stop of stops.reverse()) {
        try {
          await stop();
        } catch (error) {
          console.error('while stopping:', (error as Error).message);
        }
      }
    }
    process.exit(code);
  };
  // `on`, not `once`: a second signal (a launcher relaying Ctrl-C, an impatient second Ctrl-C)
  // must not kill the process halfway through stopping its children.
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
