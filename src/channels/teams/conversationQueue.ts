// Runs the turns of one conversation one after another within this process, so two messages sent at once never
// race on the same dialog state or user record. Bounded per conversation: beyond the limit a turn is refused
// (the caller says "busy") instead of queueing without end; a conversation's entry is dropped when it drains.

export const DEFAULT_MAX_WAITING_TURNS = 100;

interface Lane {
  /** Settles when the last queued turn of this conversation has finished. */
  tail: Promise<void>;
  /** Turns running or waiting in this lane. */
  size: number;
}

export class ConversationQueue {
  private readonly lanes = new Map<string, Lane>();

  constructor(private readonly maxWaiting: number = DEFAULT_MAX_WAITING_TURNS) {}

  /**
   * Runs `turn` after every earlier turn of `key` has finished (whether it succeeded or failed). Resolves
   * 'refused' without running it when `maxWaiting` turns are already waiting behind the running one.
   */
  async run(key: string, turn: () => Promise<void>): Promise<'done' | 'refused'> {
    const lane = this.lanes.get(key) ?? { tail: Promise.resolve(), size: 0 };
    if (lane.size > this.maxWaiting) return 'refused';
    lane.size += 1;
    this.lanes.set(key, lane);
    const previous = lane.tail;
    let finished!: () => void;
    lane.tail = new Promise<void>((resolve) => (finished = resolve));
    try {
      await previous;
      await turn();
      return 'done';
    } finally {
      lane.size -= 1;
      if (lane.size === 0) this.lanes.delete(key);
      finished();
    }
  }

  /** Conversations with a turn running or waiting (for tests: the map must not grow without bound). */
  get activeConversations(): number {
    return this.lanes.size;
  }
}
