// What the job engine writes to the log. The extension's logger redacts secrets before anything is shown.
import { isProviderError } from '../errors';

export interface JobLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** An answer nobody expected goes to the log as received (the logger redacts secrets). */
export function logRawAnswer(log: JobLogger, id: string, step: string, error: unknown): void {
  if (isProviderError(error) && error.details.raw !== undefined)
    log.warn(`[${step}] ${id}: the provider's answer was: ${error.details.raw}`);
}
