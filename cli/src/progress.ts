/**
 * A progress bar on stderr. On a terminal it redraws one line; elsewhere (CI, tests, pipes) it prints
 * a line when the phase changes and at each quarter, so logs show progress without a flood.
 */
export class Progress {
  readonly #tty: boolean;
  readonly #write: (text: string) => void;
  #phase = "";
  #quarter = -1;
  #drawn = false;

  constructor(tty = process.stderr.isTTY === true, write = (text: string): void => void process.stderr.write(text)) {
    this.#tty = tty;
    this.#write = write;
  }

  /** `fraction` in 0..1, or null when the total is unknown (a spinner-like count only). */
  update(phase: string, fraction: number | null, detail = ""): void {
    const pct = fraction === null ? null : Math.max(0, Math.min(1, fraction));
    const bar = pct === null ? "" : `[${"#".repeat(Math.round(pct * 24)).padEnd(24, ".")}] ${String(Math.floor(pct * 100)).padStart(3)}% `;
    const line = `${phase.padEnd(10)} ${bar}${detail}`.trimEnd();
    if (this.#tty) {
      this.#write(`\r\x1b[2K${line}`);
      this.#drawn = true;
      return;
    }
    const quarter = pct === null ? 0 : Math.floor(pct * 4);
    if (phase !== this.#phase || quarter !== this.#quarter) this.#write(`${line}\n`);
    this.#phase = phase;
    this.#quarter = quarter;
  }

  /** Ends the bar with a final line. */
  done(message: string): void {
    this.#write(this.#tty && this.#drawn ? `\r\x1b[2K${message}\n` : `${message}\n`);
    this.#drawn = false;
    this.#phase = "";
    this.#quarter = -1;
  }
}

export function formatBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}
