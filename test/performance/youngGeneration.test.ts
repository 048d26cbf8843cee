// The start-up hold on V8's young generation (src/youngGeneration.ts), shown in a fresh Node each time: while held,
// a start-up's worth of surviving allocations leaves the young generation at its first size, where unheld it grows
// fourfold and sits in the idle RSS; once released it grows as always under load. The idle RSS figure itself (goal
// ≤ 120 MB) is a target, printed by `npm run bench`, not asserted here.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');

/** Allocates and keeps ~400 000 small objects, twice; the young generation's size after each, in bytes. */
const CHILD = `
const v8 = require('node:v8');
const fs = require('node:fs');
const ts = require('typescript');
require.extensions['.ts'] = (m, f) => m._compile(ts.transpileModule(fs.readFileSync(f, 'utf8'), { compilerOptions: { module: 1, target: 9 } }).outputText, f);
const held = process.env.HOLD === 'yes' ? require(${JSON.stringify(join(ROOT, 'src', 'youngGeneration.ts'))}) : undefined;
const newSpace = () => v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space').space_size;
const kept = [];
const allocate = () => { for (let i = 0; i < 400000; i++) kept.push({ i, s: 'x' + i }); };
allocate();
const during = newSpace();
if (held) held.releaseYoungGeneration();
allocate();
process.stdout.write(JSON.stringify({ during, after: newSpace() }));
`;

function run(hold: boolean): { during: number; after: number } {
  const out = execFileSync(process.execPath, ['-e', CHILD], { cwd: ROOT, env: { ...process.env, HOLD: hold ? 'yes' : 'no', NODE_OPTIONS: '' }, encoding: 'utf8' });
  return JSON.parse(out) as { during: number; after: number };
}

describe("V8's young generation during start-up", () => {
  it('when held, then surviving start-up allocations leave it smaller than unheld; once released, it grows again', () => {
    const unheld = run(false);
    const held = run(true);
    process.stdout.write(`young generation: held ${held.during / 2 ** 20} MB → released ${held.after / 2 ** 20} MB; unheld ${unheld.during / 2 ** 20} MB\n`);
    expect(held.during).toBeLessThan(unheld.during);
    expect(held.after).toBeGreaterThan(held.during);
  });
});
