import { ConfigError } from '../platform/config';

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
  process.once('SIGINT', () => void stopAll(0));
  process.once('SIGTERM', () => void stopAll(0));
  main((stop) => stops.push(stop)).then(
    () => stopAll(0),
    (error: unknown) => {
      console.error(error instanceof ConfigError ? error.message : error);
      return stopAll(1);
    },
  );
}
