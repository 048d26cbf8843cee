// Runs the real main() from the TypeScript sources in a child process (the crash check SIGKILLs it). The .ts
// files are transpiled as they load with the project's own TypeScript, as ts-jest does for the tests, and the
// JavaScript is kept in .cache/transpiled by a hash of the source: a restarted process then loads modules at the
// speed of the compiled build that `npm start` runs, so a timing taken after a restart measures Signet, not the
// transpiler.
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
// TypeScript itself is loaded only to transpile a file missing from the cache: loaded always, it would be a large
// share of the child's memory and start-up time.
let ts;
const typescript = () => (ts ??= require('typescript'));

const CACHE_DIR = path.resolve(__dirname, '../../../.cache/transpiled');
// CommonJS, ES2022 (the values of ts.ModuleKind.CommonJS and ts.ScriptTarget.ES2022), as ts-jest compiles the tests.
const COMPILER_OPTIONS = { module: 1, target: 9, esModuleInterop: true, resolveJsonModule: true };
const SALT = JSON.stringify([require('typescript/package.json').version, COMPILER_OPTIONS]);

function transpiled(filename) {
  const source = fs.readFileSync(filename, 'utf8');
  const cached = path.join(CACHE_DIR, `${crypto.createHash('sha256').update(SALT).update(filename).update(source).digest('hex')}.js`);
  try {
    return fs.readFileSync(cached, 'utf8');
  } catch {
    const { outputText } = typescript().transpileModule(source, { fileName: filename, compilerOptions: COMPILER_OPTIONS });
    try {
      fs.mkdirSync(CACHE_DIR, { recursive: true });
      // Written aside and renamed: two processes starting together never read half a file.
      const aside = `${cached}.${process.pid}.tmp`;
      fs.writeFileSync(aside, outputText);
      fs.renameSync(aside, cached);
    } catch {
      // No cache: the next start transpiles again.
    }
    return outputText;
  }
}

require.extensions['.ts'] = (module, filename) => module._compile(transpiled(filename), filename);

require(path.resolve(__dirname, '../../../src/index.ts')).main(process.env);
