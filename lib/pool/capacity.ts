// One cap on the resources of several pools together (for WebCompile: the containers of every
// language: idle, starting, busy and being removed), so that many small pools never add up to more
// than the machine was given.
// A pool takes a slot before it creates a resource and gives it back once the resource is destroyed
// or its create failed. A pool that was refused is woken when a slot frees: pools with requests
// waiting first, then pools that only refill, each in the order they were refused.

export interface CapacityUser {
  /** True when requests are waiting for this user's resources. */
  hasWaiters(): boolean;
  /** A slot may have become free: take it now (tryTake) if still needed. */
  wake(): void;
}

export class Capacity {
  private used = 0;
  private refused: CapacityUser[] = [];

  constructor(readonly limit: number) {}

  get inUse(): number {
    return this.used;
  }

  /** Takes a slot, or remembers the user to wake when one frees. */
  tryTake(user: CapacityUser): boolean {
    if (this.used < this.limit) {
      this.used++;
      return true;
    }
    if (!this.refused.includes(user)) this.refused.push(user);
    return false;
  }

  /** Gives a slot back and offers it to the users that were refused. */
  release(): void {
    if (this.used > 0) this.used--;
    const order = [...this.refused.filter((u) => u.hasWaiters()), ...this.refused.filter((u) => !u.hasWaiters())];
    this.refused = [];
    let i = 0;
    for (; i < order.length && this.used < this.limit; i++) order[i].wake();
    // Those not woken (no slot left) keep their turn ahead of any refused again just now.
    const rest = order.slice(i);
    this.refused = [...rest, ...this.refused.filter((u) => !rest.includes(u))];
  }
}
