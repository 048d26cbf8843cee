// The forbidden-import check: every import in src/, dialogs/ and scripts/ follows the arrows of docs/architecture.md,
// except the known exceptions listed here, which must still occur (fix one, delete its line: the list only shrinks).
import {
  concreteStoreImports,
  coreTransportImports,
  forbiddenArrows,
  partOf,
  projectImports,
  resolveImport,
  specifiersIn,
} from './importGraph';
// Each line is a tangle that the code still has (docs/architecture.md, "Where the code does not follow the map yet").
const KNOWN_EXCEPTIONS: readonly string[] = [];

const imports = projectImports();

describe('the architecture map', () => {
  it('when the project is read, then every file belongs to a part and imports were found', () => {
    expect(imports.length).toBeGreaterThan(300);
    for (const i of imports) if (i.local) expect(() => [partOf(i.from), partOf(i.to)]).not.toThrow();
  });

  it('when imports are checked, then none crosses an arrow the map forbids, except the known exceptions', () => {
    const unexpected = forbiddenArrows(imports).filter((a) => !KNOWN_EXCEPTIONS.includes(a));
    expect(unexpected).toEqual([]);
  });

  it('when a known exception no longer occurs, then it is removed from the list (the list only shrinks)', () => {
    const forbidden = new Set(forbiddenArrows(imports));
    expect(KNOWN_EXCEPTIONS.filter((a) => !forbidden.has(a))).toEqual([]);
  });

  it('when the core is read, then it imports nothing from botbuilder, twilio, restify or mongodb', () => {
    expect(coreTransportImports(imports)).toEqual([]);
  });

  it('when a wiring file is imported, then only the composition root or another wiring file imports it', () => {
    const misused = imports.filter((i) => i.local && partOf(i.to) === 'wiring' && !['root', 'wiring'].includes(partOf(i.from)));
    expect(misused.map((i) => `${i.from} -> ${i.to}`).filter((a) => !KNOWN_EXCEPTIONS.includes(a))).toEqual([]);
  });

  it('when a concrete store adapter is imported, then only the composition root or a wiring file imports it', () => {
    expect(concreteStoreImports(imports)).toEqual([]);
  });
});

describe('the checker itself', () => {
  const read = (from: string, text: string) => specifiersIn(from, text).map((s) => resolveImport(from, s));

  it('when a core file imports a transport package in any form, then each import is reported', () => {
    const found = read(
      'src/enrollment/example.ts',
      "import { MongoClient } from 'mongodb';\nexport type { TurnContext } from 'botbuilder-core';\n" +
        "type T = import('twilio').Twilio;\nconst r = require('restify');\nvoid import('node:fs');",
    );
    expect(coreTransportImports(found)).toEqual([
      'src/enrollment/example.ts -> mongodb',
      'src/enrollment/example.ts -> botbuilder-core',
      'src/enrollment/example.ts -> twilio',
      'src/enrollment/example.ts -> restify',
    ]);
  });

  it('when a file imports against an arrow, then the arrow is reported with the resolved file', () => {
    const found = read('src/domain/methodKinds.ts', "import type { Core } from '../core';\nimport { x } from './user';");
    expect(forbiddenArrows(found)).toEqual(['src/domain/methodKinds.ts -> src/core.ts']);
    expect(concreteStoreImports(read('src/verification/x.ts', "import { MemoryStores } from '../stores/memoryStores';"))).toEqual([
      'src/verification/x.ts -> src/stores/memoryStores.ts',
    ]);
  });

  it('when an import sits in a comment or a string, then it is not counted', () => {
    expect(specifiersIn('a.ts', "// import x from 'mongodb'\nconst s = \"require('twilio')\";")).toEqual([]);
  });
});
