// A wait queue shared fairly between clients: each client's waiters are served in their own order,
// and clients take turns (round robin), so one client with many waiters cannot push another's first
// waiter behind all of its own.

export class FairQueue<T> {
  /** Insertion order is the turn order: the client served last moves to the back. */
  private readonly byClient = new Map<string, T[]>();
  private count = 0;

  get size(): number {
    return this.count;
  }

  /** How many waiters one client has in the queue. */
  sizeOf(client: string): number {
    return this.byClient.get(client)?.length ?? 0;
  }

  push(client: string, item: T): void {
    const q = this.byClient.get(client);
    if (q) q.push(item);
    else this.byClient.set(client, [item]);
    this.count++;
  }

  /** The next waiter: the oldest of the client whose turn it is. */
  shift(): T | undefined {
    for (const [client, q] of this.byClient) {
      const item = q.shift()!;
      this.byClient.delete(client);
      if (q.length) this.byClient.set(client, q);
      this.count--;
      return item;
    }
    return undefined;
  }

  /** Takes out the newest waiter of the client whose turn is furthest away (the one to give up first). */
  pop(): T | undefined {
    const clients = [...this.byClient.keys()];
    const client = clients[clients.length - 1];
    if (client === undefined) return undefined;
    const q = this.byClient.get(client)!;
    const item = q.pop()!;
    if (!q.length) this.byClient.delete(client);
    this.count--;
    return item;
  }

  /** Takes out one waiter (it gave up); false when it was not there. */
  remove(client: string, item: T): boolean {
    const q = this.byClient.get(client);
    const i = q ? q.indexOf(item) : -1;
    if (!q || i < 0) return false;
    q.splice(i, 1);
    if (!q.length) this.byClient.delete(client);
    this.count--;
    return true;
  }

  /** Empties the queue, in turn order. */
  drain(): T[] {
    const out: T[] = [];
    for (let item = this.shift(); item !== undefined; item = this.shift()) out.push(item);
    return out;
  }
}
