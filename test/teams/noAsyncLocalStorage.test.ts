// The Teams path never uses AsyncLocalStorage: on Node 20 its first use switches on promise hooks for every promise
// in the process (SMS and API requests pay too). Checked twice: no module the bot reaches imports node:async_hooks,
// and a real turn that writes (and one that races) never enters an AsyncLocalStorage.
import { AsyncLocalStorage } from 'node:async_hooks';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, resolveImport, specifiersIn } from '../architecture/importGraph';
import { createTeamsHarness } from './teamsHarness';

/** Every project file reachable by imports from `entry`, and the packages each imports. */
function reachable(entry: string): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const queue = [entry];
  while (queue.length > 0) {
    const file = queue.pop()!;
    if (seen.has(file)) continue;
    const imports = specifiersIn(file, readFileSync(join(ROOT, file), 'utf8')).map((s) => resolveImport(file, s));
    seen.set(
      file,
      imports.filter((i) => !i.local).map((i) => i.to),
    );
    for (const i of imports) if (i.local && i.to.endsWith('.ts')) queue.push(i.to);
  }
  return seen;
}

describe('the Teams path and AsyncLocalStorage', () => {
  it('when the modules the bot reaches are read, then none imports node:async_hooks', () => {
    const files = reachable('src/channels/teams/signetBot.ts');
    expect(files.has('src/channels/teams/turnWrites.ts')).toBe(true);
    expect(files.has('dialogs/kit/turnRecord.ts')).toBe(true);
    const users = [...files].filter(([, packages]) => packages.some((p) => p === 'async_hooks' || p === 'node:async_hooks')).map(([file]) => file);
    expect(users).toEqual([]);
  });

  it('when turns run (one that writes, one read-only), then no AsyncLocalStorage is entered', async () => {
    const run = jest.spyOn(AsyncLocalStorage.prototype, 'run');
    const enterWith = jest.spyOn(AsyncLocalStorage.prototype, 'enterWith');
    try {
      const h = await createTeamsHarness();
      const chat = h.chat('en-US');
      await chat.say('set up MFA');
      await chat.say('mobile phone');
      await chat.say('help');
      expect(run).not.toHaveBeenCalled();
      expect(enterWith).not.toHaveBeenCalled();
    } finally {
      run.mockRestore();
      enterWith.mockRestore();
    }
  });
});
