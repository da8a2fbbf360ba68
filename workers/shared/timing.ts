/**
 * Wall time per stage of one request, answered as a W3C Server-Timing header (`auth;dur=1.20, …`):
 * how the bench breaks one call down (auth, resolve, admission, Run record, secret, upstream, Run
 * complete) without a profiler. Workers' clocks advance across I/O, which is what these stages are.
 */
export class StageTimer {
  #last: number;
  readonly stages: Array<[string, number]> = [];

  constructor(start: number = performance.now()) {
    this.#last = start;
  }

  /** Ends the stage that ran since the previous mark (or the start). */
  mark(stage: string): void {
    const now = performance.now();
    this.stages.push([stage, now - this.#last]);
    this.#last = now;
  }

  header(): string {
    return this.stages.map(([name, ms]) => `${name};dur=${ms.toFixed(2)}`).join(", ");
  }
}
