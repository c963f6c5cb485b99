// A small store: one state, changed only by dispatching actions through a pure reducer, and
// listeners told after each change with the state before it. An action dispatched by a
// listener is queued until every listener has seen the current change, so listeners always
// see the changes in order.

export type Reducer<S, A> = (state: S, action: A) => S;
export type Listener<S> = (state: S, previous: S) => void;

export class Store<S, A> {
  private current: S;
  private readonly listeners = new Set<Listener<S>>();
  private readonly queue: A[] = [];
  private busy = false;

  constructor(
    private readonly reducer: Reducer<S, A>,
    initial: S,
  ) {
    this.current = initial;
  }

  get state(): S {
    return this.current;
  }

  dispatch(action: A): void {
    this.queue.push(action);
    if (this.busy) return;
    this.busy = true;
    try {
      while (this.queue.length) {
        const previous = this.current;
        this.current = this.reducer(previous, this.queue.shift() as A);
        if (this.current === previous) continue;
        for (const listener of [...this.listeners]) listener(this.current, previous);
      }
    } finally {
      this.busy = false;
      this.queue.length = 0;
    }
  }

  /** Call `listener` after every change; returns the function that stops it. */
  subscribe(listener: Listener<S>): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
