// The operators' listing of the job queue: dead jobs with their last error; bad arguments get the usage line.
import { runJobsCommand } from '../../scripts/jobsCommand';
import { MemoryJobQueue } from '../../src/stores/memoryJobQueue';
import { T0 } from '../support/fixtures';

describe('jobs command', () => {
  it('when dead jobs are listed, then each shows its id, kind, attempts and last error', async () => {
    const queue = new MemoryJobQueue();
    await queue.enqueue({ id: 'callback:c1', kind: 'callback', payload: { challengeId: 'c1' }, dueAt: T0 }, T0);
    await queue.enqueue({ id: 'callback:c2', kind: 'callback', payload: { challengeId: 'c2' }, dueAt: T0 }, T0);
    const leased = (await queue.lease('callback:c1', 'w', T0, 60_000))!;
    await queue.settle(leased, { status: 'dead', error: 'callback URL answered HTTP 500' }, T0 + 1);
    const lines: string[] = [];
    expect(await runJobsCommand(['dead'], { queue, out: (l) => void lines.push(l) })).toBe(0);
    expect(lines).toEqual([`callback:c1\tcallback\tattempts=1\tdue=${new Date(T0).toISOString()}\tupdated=${new Date(T0 + 1).toISOString()}\tcallback URL answered HTTP 500`]);
    lines.length = 0;
    expect(await runJobsCommand(['leased'], { queue, out: (l) => void lines.push(l) })).toBe(0);
    expect(lines).toEqual(['No leased jobs.']);
    expect(await runJobsCommand(['everything'], { queue, out: (l) => void lines.push(l) })).toBe(2);
    expect(await runJobsCommand(['dead', '0'], { queue, out: (l) => void lines.push(l) })).toBe(2);
  });
});
