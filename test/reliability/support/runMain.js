// Runs the real main() from the TypeScript sources in a child process (the crash check SIGKILLs it). The .ts
// files are transpiled as they load with the project's own TypeScript, as ts-jest does for the tests.
const fs = require('node:fs');
const path = require('node:path');
const ts = require('typescript');

require.extensions['.ts'] = (module, filename) => {
  const { outputText } = ts.transpileModule(fs.readFileSync(filename, 'utf8'), {
    fileName: filename,
    compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, resolveJsonModule: true },
  });
  module._compile(outputText, filename);
};

require(path.resolve(__dirname, '../../../src/index.ts')).main(process.env);
