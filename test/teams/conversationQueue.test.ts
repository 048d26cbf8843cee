// The per-conversation turn queue: one conversation's turns run one at a time in arrival order, a failed turn
// does not block the next, other conversations are not held up, and the wait is bounded and forgotten when done.
import { ConversationQueue } from '../../src/channels/teams/conversationQueue';

/** A turn that runs until released, recording when it starts and ends. */
function gate(log: string[], name: string): { turn: () => Promise<void>; release: () => void } {
  let release!: () => void;
  const done = new Promise<void>((resolve) => (release = resolve));
  return {
    release: () => release(),
    turn: async () => {
      log.push(`start ${name}`);
      await done;
      log.push(`end ${name}`);
    },
  };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('conversation queue', () => {
  it('when turns of one conversation arrive together, then each starts after the previous ended, in order', async () => {
    const queue = new ConversationQueue();
    const log: string[] = [];
    const a = gate(log, 'a');
    const b = gate(log, 'b');
    const runs = [queue.run('c1', a.turn), queue.run('c1', b.turn)];
    await tick();
    expect(log).toEqual(['start a']);
    b.release();
    a.release();
    await Promise.all(runs);
    expect(log).toEqual(['start a', 'end a', 'start b', 'end b']);
    expect(queue.activeConversations).toBe(0);
  });

  it('when a turn fails, then the next one of the conversation still runs', async () => {
    const queue = new ConversationQueue();
    const failing = queue.run('c1', () => Promise.reject(new Error('boom')));
    const next = queue.run('c1', async () => undefined);
    await expect(failing).rejects.toThrow('boom');
    await expect(next).resolves.toBe('done');
  });

  it('when another conversation has a turn running, then this one does not wait for it', async () => {
    const queue = new ConversationQueue();
    const log: string[] = [];
    const a = gate(log, 'a');
    const running = queue.run('c1', a.turn);
    await expect(queue.run('c2', async () => void log.push('c2'))).resolves.toBe('done');
    a.release();
    await running;
    expect(log).toEqual(['start a', 'c2', 'end a']);
  });

  it('when more turns wait than the bound, then the extra ones are refused without running', async () => {
    const queue = new ConversationQueue(2);
    const log: string[] = [];
    const gates = ['a', 'b', 'c', 'd', 'e'].map((n) => gate(log, n));
    const runs = gates.map((g) => queue.run('c1', g.turn));
    await expect(runs[3]).resolves.toBe('refused');
    await expect(runs[4]).resolves.toBe('refused');
    gates.forEach((g) => g.release());
    await expect(Promise.all(runs.slice(0, 3))).resolves.toEqual(['done', 'done', 'done']);
    expect(log.filter((l) => l.startsWith('start'))).toEqual(['start a', 'start b', 'start c']);
    expect(queue.activeConversations).toBe(0);
  });
});
