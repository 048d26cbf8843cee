// Sums a sampling heap profile (allocationProbe.ts) by allocating function and by call path, biggest first, so the
// top allocators of a request can be read without DevTools: `node dist/scripts/bench/allocationTop.js FILE [N]`.
import { readFileSync } from 'node:fs';
import path from 'node:path';

interface ProfileNode {
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly selfSize: number;
  readonly children: readonly ProfileNode[];
}

const [file, count] = process.argv.slice(2);
if (!file) throw new Error('usage: allocationTop FILE [N]');
const top = Number(count ?? 40);
const root = (JSON.parse(readFileSync(file, 'utf8')) as { head: ProfileNode }).head;
const where = (node: ProfileNode): string =>
  `${node.callFrame.functionName || '(anonymous)'} ${node.callFrame.url.replace(/^.*node_modules\//, '~/').replace(/^.*\/(src|dialogs|scripts)\//, '$1/')}:${node.callFrame.lineNumber + 1}`;
const bySelf = new Map<string, number>();
const byPath = new Map<string, number>();
let total = 0;
const walk = (node: ProfileNode, trail: readonly string[]): void => {
  const here = [...trail, where(node)];
  if (node.selfSize > 0) {
    total += node.selfSize;
    bySelf.set(here[here.length - 1]!, (bySelf.get(here[here.length - 1]!) ?? 0) + node.selfSize);
    const ours = here.filter((frame) => !frame.startsWith('(root)')).slice(-6).join(' < ');
    byPath.set(ours, (byPath.get(ours) ?? 0) + node.selfSize);
  }
  for (const child of node.children) walk(child, here);
};
walk(root, []);
const print = (title: string, sums: Map<string, number>): void => {
  process.stdout.write(`\n${title} (total ${(total / 1024 / 1024).toFixed(1)} MB sampled, ${path.basename(file)})\n`);
  for (const [name, size] of [...sums].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`${((100 * size) / total).toFixed(1).padStart(5)}%  ${(size / 1024).toFixed(0).padStart(8)} KB  ${name}\n`);
  }
};
print('By allocating function', bySelf);
print('By call path (innermost last 6 frames, reversed: allocator first)', new Map([...byPath].map(([k, v]) => [k.split(' < ').reverse().join(' < '), v])));
