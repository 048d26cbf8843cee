// Start-up keeps much of what it allocates (modules, language models), and V8 answers that high survival rate by
// doubling its young generation up to 32 MB, which then sits idle in RSS (~22 MB of the idle figure). Held at its
// first size from this module's import (index.ts imports it first, before the modules that allocate) until Signet
// listens; released then, so under load it grows as it always did.
import { setFlagsFromString } from 'node:v8';

/** V8's own --semi-space-growth-factor (Node 20, V8 11.3): what the young generation grows by once released. */
const V8_DEFAULT_GROWTH_FACTOR = 2;

// Read by V8 each time it considers growing the young generation, so it can be changed while running.
setFlagsFromString('--semi-space-growth-factor=1');

/** Lets the young generation grow again (idempotent). */
export function releaseYoungGeneration(): void {
  setFlagsFromString(`--semi-space-growth-factor=${V8_DEFAULT_GROWTH_FACTOR}`);
}
