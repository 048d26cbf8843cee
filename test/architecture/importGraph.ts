// The project's import graph and the map it must follow (docs/architecture.md): which part each file belongs to,
// which parts each part may import, and which packages the core may never import. Read with TypeScript's own
// parser, so type-only imports, re-exports, import() and require() all count.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import ts from 'typescript';

export const ROOT = join(__dirname, '..', '..');

export type Part =
  | 'root' // src/index.ts and every command under scripts/: each is the composition root of its own process
  | 'wiring' // files that build a group of services for the root (src/core.ts, *Wiring.ts)
  | 'http' // the HTTP host: server, bot route, shutdown
  | 'httpKit' // what every HTTP route shares: the error shape and request-body reading
  | 'presentation' // words for replies and faults, shared by every channel
  | 'channelKit' // helpers every channel shares (input limits)
  | 'teams'
  | 'dialogs'
  | 'twilio'
  | 'web' // the browser channel: server-rendered pages (Entra External MFA, password reset)
  | 'app' // the application layer: one use case per inbound event, called by every channel
  | 'nlu' // understanding what people type: intents per locale and the entities in a message
  | 'api'
  | 'jobs' // background workers of the application
  | 'core' // enrollment, verification, help desk: services and machines; serviceKit: what those services share
  | 'domain' // types and rules the flows share
  | 'ports' // interfaces the core needs (telephony, mail, job queue, help desk, clock)
  | 'repositoryPorts' // interfaces of the stores (src/ports/repositories.ts, verificationRepositories.ts)
  | 'stores' // store adapters: memory, MongoDB
  | 'telephony' // telephony adapters: Twilio, simulated
  | 'mail' // mail adapter: SMTP
  | 'directory' // directory adapters for password reset: LDAP (OpenLDAP, Active Directory), Microsoft Graph, memory
  | 'security'
  | 'config'
  | 'logging'
  | 'testSupport'; // test/support: fixtures and signers, which benchmarks under scripts/ may reuse

/** The part a repository-relative path (posix separators) belongs to. */
export function partOf(file: string): Part {
  if (file === 'src/index.ts' || file === 'src/youngGeneration.ts' || file.startsWith('scripts/')) return 'root';
  if (file === 'src/core.ts' || file.endsWith('Wiring.ts')) return 'wiring';
  if (['src/httpErrors.ts', 'src/httpRequests.ts'].includes(file)) return 'httpKit';
  if (['src/server.ts', 'src/botMessagesRoute.ts', 'src/shutdown.ts'].includes(file)) return 'http';
  if (['src/i18n.ts', 'src/renderReply.ts', 'src/userFacingErrors.ts'].includes(file)) return 'presentation';
  if (file === 'src/ports/repositories.ts' || file === 'src/ports/verificationRepositories.ts' || file === 'src/ports/entraRepositories.ts') return 'repositoryPorts';
  const prefixes: ReadonlyArray<[string, Part]> = [
    ['dialogs/', 'dialogs'],
    ['src/channels/teams/', 'teams'],
    ['src/channels/twilio/', 'twilio'],
    ['src/channels/web/', 'web'],
    ['src/app/', 'app'],
    ['src/nlu/', 'nlu'],
    ['src/channels/', 'channelKit'],
    ['src/api/', 'api'],
    ['src/jobs/', 'jobs'],
    ['src/enrollment/', 'core'],
    ['src/verification/', 'core'],
    ['src/helpdesk/', 'core'],
    ['src/serviceKit/', 'core'],
    ['src/domain/', 'domain'],
    ['src/ports/', 'ports'],
    ['src/stores/', 'stores'],
    ['src/telephony/', 'telephony'],
    ['src/mail/', 'mail'],
    ['src/directory/', 'directory'],
    ['src/security/', 'security'],
    ['src/config/', 'config'],
    ['src/logging/', 'logging'],
    ['test/support/', 'testSupport'],
  ];
  const found = prefixes.find(([prefix]) => file.startsWith(prefix));
  if (found === undefined) throw new Error(`${file} belongs to no part of the map: add it to partOf and docs/architecture.md`);
  return found[1];
}

const LIBRARIES: ReadonlyArray<Part> = ['domain', 'security', 'config', 'logging'];
const INNER: ReadonlyArray<Part> = ['core', 'ports', 'repositoryPorts', ...LIBRARIES];
// http: the body reader and error shape the host shares with the routes it mounts (never the other way round).
const CHANNEL_NEEDS: ReadonlyArray<Part> = ['app', 'core', 'ports', 'presentation', 'channelKit', 'httpKit', 'nlu', ...LIBRARIES];

/** The arrows of the map: the parts each part may import besides itself. */
export const ALLOWED: Readonly<Record<Part, ReadonlyArray<Part | '*'>>> = {
  root: ['*'],
  wiring: ['*'],
  http: ['httpKit', 'presentation', 'repositoryPorts', 'ports', ...LIBRARIES],
  presentation: ['core', 'ports', ...LIBRARIES],
  channelKit: [],
  httpKit: LIBRARIES,
  teams: [...CHANNEL_NEEDS, 'dialogs'],
  dialogs: CHANNEL_NEEDS,
  twilio: CHANNEL_NEEDS,
  web: CHANNEL_NEEDS,
  app: ['core', ...INNER],
  nlu: ['domain', 'config', 'logging'],
  api: CHANNEL_NEEDS,
  jobs: INNER,
  core: INNER,
  domain: [],
  ports: ['repositoryPorts', 'domain', 'security'],
  repositoryPorts: ['ports', 'domain', 'security'],
  stores: ['repositoryPorts', 'ports', ...LIBRARIES],
  telephony: ['repositoryPorts', 'ports', ...LIBRARIES],
  mail: ['ports', ...LIBRARIES],
  directory: ['repositoryPorts', 'ports', ...LIBRARIES],
  security: ['domain'],
  config: ['domain'],
  logging: [],
  testSupport: ['*'],
};

/** Folders whose code is the core: it never talks to a transport or a database library directly. */
export const CORE_FOLDERS = ['src/domain/', 'src/enrollment/', 'src/verification/', 'src/helpdesk/', 'src/serviceKit/'];
export const TRANSPORT_PACKAGES = ['botbuilder', 'twilio', 'restify', 'mongodb'];

export interface Import {
  readonly from: string;
  /** A repository-relative file for a relative import, else the package name (scope included, `node:` kept). */
  readonly to: string;
  readonly local: boolean;
}

/** Every module specifier in one source text: import/export declarations, import types, import() and require(). */
export function specifiersIn(fileName: string, text: string): string[] {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  const found: string[] = [];
  const literal = (node: ts.Node | undefined): void => {
    if (node !== undefined && ts.isStringLiteralLike(node)) found.push(node.text);
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) literal(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) literal(node.moduleReference.expression);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) literal(node.argument.literal);
    else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const isImport = callee.kind === ts.SyntaxKind.ImportKeyword;
      const isRequire = ts.isIdentifier(callee) && callee.text === 'require';
      if (isImport || isRequire) literal(node.arguments[0]);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function packageName(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
}

/** Resolves `specifier` written in `from` the way node16 resolution finds a TypeScript source. */
export function resolveImport(from: string, specifier: string, root = ROOT): Import {
  if (!specifier.startsWith('.')) return { from, to: packageName(specifier), local: false };
  const target = posix.normalize(posix.join(posix.dirname(from), specifier));
  const candidates = [`${target}.ts`, target.replace(/\.js$/, '.ts'), `${target}/index.ts`, target];
  const to = candidates.find((c) => existsSync(join(root, c)) && statSync(join(root, c)).isFile()) ?? target;
  return { from, to, local: true };
}

function sourceFiles(folder: string): string[] {
  const out: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = posix.join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.ts')) out.push(path);
    }
  };
  walk(folder);
  return out;
}

/** Every import of every TypeScript file in src/, dialogs/ and scripts/. */
export function projectImports(): Import[] {
  const files = ['src', 'dialogs', 'scripts'].flatMap(sourceFiles);
  return files.flatMap((file) =>
    specifiersIn(file, readFileSync(join(ROOT, file), 'utf8')).map((specifier) => resolveImport(file, specifier)),
  );
}

export const arrow = (i: Import): string => `${i.from} -> ${i.to}`;

/** Local imports whose arrow the map does not allow, as "from -> to". */
export function forbiddenArrows(imports: readonly Import[]): string[] {
  return imports
    .filter((i) => i.local && !i.to.endsWith('.json'))
    .filter((i) => {
      const from = partOf(i.from);
      const to = partOf(i.to);
      const allowed = ALLOWED[from];
      return from !== to && !allowed.includes('*') && !allowed.includes(to);
    })
    .map(arrow);
}

/** Imports of a transport or database package from the core, as "from -> package". */
export function coreTransportImports(imports: readonly Import[]): string[] {
  return imports
    .filter((i) => !i.local && CORE_FOLDERS.some((folder) => i.from.startsWith(folder)))
    .filter((i) => TRANSPORT_PACKAGES.some((name) => i.to === name || i.to.startsWith(`${name}-`)))
    .map(arrow);
}

/** Imports of a concrete store adapter from anywhere but the composition root, the wiring files and the stores. */
export function concreteStoreImports(imports: readonly Import[]): string[] {
  return imports
    .filter((i) => i.local && partOf(i.to) === 'stores')
    .filter((i) => !['root', 'wiring', 'stores'].includes(partOf(i.from)))
    .map(arrow);
}
