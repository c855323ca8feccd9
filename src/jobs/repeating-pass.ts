// A pass over the hosts that repeats until stopped: one at a time (the next is scheduled when the
// last has finished), and a failed pass (e.g. PostgreSQL restarting) is reported and tried again.

export class RepeatingPass {
  readonly #pass: () => Promise<void>;
  readonly #failed: (error: unknown) => void;
  #timer: NodeJS.Timeout | undefined;
  #running: Promise<void> | undefined;

  constructor(pass: () => Promise<void>, failed: (error: unknown) => void) {
    this.#pass = pass;
    this.#failed = failed;
  }

  start(intervalMs: number): void {
    const tick = () => {
      this.#running = this.#pass().catch(this.#failed).finally(() => {
        if (this.#timer) this.#timer = setTimeout(tick, intervalMs);
      });
    };
    this.#timer = setTimeout(tick, intervalMs);
  }

  /** Stops scheduling and waits for a pass under way. */
  async stop(): Promise<void> {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.#running;
  }
}
