// Named one-shot timers: setting one again replaces it, so a burst of events (typing,
// disconnections, notices) leaves a single pending timeout per name.

export class Timers {
  private readonly pending: Record<string, number> = {};

  /** Run `fn` in `ms` milliseconds, instead of what `name` was set to run before. */
  later(name: string, ms: number, fn: () => void): void {
    this.clear(name);
    this.pending[name] = window.setTimeout(() => {
      delete this.pending[name];
      fn();
    }, ms);
  }

  clear(name: string): void {
    if (name in this.pending) {
      clearTimeout(this.pending[name]);
      delete this.pending[name];
    }
  }
}
