// The pure parts of the Teams app package: manifest template + environment → manifest, schema validation, zip.
// scripts/packageTeams.ts is the command-line wrapper (`npm run package:teams`); the tests import this module.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Ajv, { type ErrorObject } from 'ajv';
import addFormats from 'ajv-formats';
import JSZip from 'jszip';
import { PNG } from 'pngjs';

/** The bot id committed in manifest/manifest.json; the real one comes from MicrosoftAppId at packaging time. */
export const PLACEHOLDER_BOT_ID = '00000000-0000-0000-0000-000000000000';
export const DEFAULT_ZIP_NAME = 'signet-teams-app.zip';
/** The schema's own `definitions.guid` pattern, so what we accept here is exactly what validation accepts. */
const GUID = /^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$/;
/** Teams requires these pixel sizes; a wrong size is only reported when the package is uploaded, so check here. */
const ICON_SIZES = { color: 192, outline: 32 } as const;

/** A failure the person running the packager can fix; the message names the variable or file to change. */
export class PackagingError extends Error {
  override readonly name = 'PackagingError';
}

/** The manifest fields this module reads or writes; everything else passes through untouched. */
export interface TeamsManifest {
  id: string;
  icons: { color: string; outline: string; [key: string]: unknown };
  bots?: Array<{ botId: string; [key: string]: unknown }>;
  validDomains?: string[];
  [key: string]: unknown;
}

export type Environment = Readonly<Record<string, string | undefined>>;

/** The repository root: the nearest folder above `start` with a package.json (works from scripts/ and dist/scripts/). */
export function findRepoRoot(start: string = __dirname): string {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json above ${start}`);
  }
}

export function manifestDir(root: string = findRepoRoot()): string {
  return join(root, 'manifest');
}

/**
 * A copy of the v1.29 schema from the shared spec folder is kept in the repository so a deployed clone can
 * package without it; a test checks the copy is identical to the shared original.
 */
export function defaultSchemaPath(root: string = findRepoRoot()): string {
  return join(root, 'manifest', 'schema', 'teams-manifest-1.29.schema.json');
}

export function sharedSchemaPath(root: string = findRepoRoot()): string {
  return join(root, '..', 'shared', 'spec', 'teams-manifest.schema.json');
}

export function readManifestTemplate(dir: string = manifestDir()): TeamsManifest {
  return JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as TeamsManifest;
}

export function loadSchema(path: string = defaultSchemaPath()): Record<string, unknown> {
  if (!existsSync(path)) throw new PackagingError(`the Teams manifest schema was not found at ${path}`);
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

/** Returns the problems found, one line each; an empty list means the manifest is valid. */
export type ManifestValidator = (manifest: unknown) => string[];

/**
 * Compiles the Teams schema with Ajv's default dialect (draft-07). The schema says draft-04 but uses `const`
 * (draft-06) and `if`/`then` (draft-07), which a draft-04 validator would silently ignore — `const` is what pins
 * manifestVersion — so `$schema` is dropped and Ajv reads it as draft-07. Strict mode stays on for unknown
 * keywords and formats, so a keyword Ajv cannot check is an error rather than a silent pass; only the
 * style checks the published schema itself fails (types beside keywords, required-but-undeclared) are off.
 */
export function createManifestValidator(schema: Record<string, unknown>): ManifestValidator {
  const { $schema: _dialect, ...body } = schema;
  const ajv = new Ajv({ allErrors: true, strict: true, strictTypes: false, strictRequired: false, strictTuples: false });
  addFormats(ajv);
  const validate = ajv.compile(body);
  return (manifest) => (validate(manifest) ? [] : (validate.errors ?? []).map(describeError));
}

function describeError(error: ErrorObject): string {
  const where = error.instancePath === '' ? '(top level)' : error.instancePath;
  const extra = error.keyword === 'additionalProperties' ? ` '${String(error.params['additionalProperty'])}'` : '';
  return `${where}: ${error.message ?? error.keyword}${extra}`;
}

/** An empty value counts as unset, as in src/config/loadConfig.ts. */
function read(env: Environment, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

/**
 * The manifest to ship: the template with the bot id from MicrosoftAppId, the app id from SIGNET_TEAMS_APP_ID
 * when set, and PUBLIC_BASE_URL's host in validDomains when set. Throws PackagingError naming the variable.
 */
export function buildManifest(template: TeamsManifest, env: Environment): TeamsManifest {
  const manifest = structuredClone(template);

  const botId = read(env, 'MicrosoftAppId');
  if (botId === undefined) {
    throw new PackagingError('MicrosoftAppId is not set: set it to the bot\'s Microsoft Entra app (client) id, a GUID from its Azure Bot registration');
  }
  if (!GUID.test(botId)) throw new PackagingError(`MicrosoftAppId must be a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx), got "${botId}"`);
  // The placeholder is a well-formed GUID, so the pattern alone would let a package that can never work through.
  if (botId === PLACEHOLDER_BOT_ID) throw new PackagingError('MicrosoftAppId is the all-zero placeholder: set it to the bot\'s real app id');
  const bot = manifest.bots?.[0];
  if (bot === undefined || manifest.bots?.length !== 1) throw new PackagingError('manifest/manifest.json must declare exactly one bot');
  bot.botId = botId;

  const appId = read(env, 'SIGNET_TEAMS_APP_ID');
  if (appId !== undefined) {
    if (!GUID.test(appId)) throw new PackagingError(`SIGNET_TEAMS_APP_ID must be a GUID, got "${appId}"`);
    manifest.id = appId;
  }

  const baseUrl = read(env, 'PUBLIC_BASE_URL');
  if (baseUrl !== undefined) {
    let host: string;
    try {
      const url = new URL(baseUrl);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http(s)');
      // validDomains holds bare host names (optionally wildcarded): no scheme, port or path.
      host = url.hostname;
    } catch {
      throw new PackagingError(`PUBLIC_BASE_URL must be an http(s):// address, got "${baseUrl}"`);
    }
    const domains = manifest.validDomains ?? [];
    if (!domains.includes(host)) domains.push(host);
    manifest.validDomains = domains;
  }
  return manifest;
}

/** Throws PackagingError unless the icon is a PNG of the size Teams requires for it. */
export function checkIcon(kind: keyof typeof ICON_SIZES, fileName: string, data: Buffer): void {
  let png: PNG;
  try {
    png = PNG.sync.read(data);
  } catch (error) {
    throw new PackagingError(`manifest/${fileName} (the ${kind} icon) is not a readable PNG: ${(error as Error).message}`);
  }
  const size = ICON_SIZES[kind];
  if (png.width !== size || png.height !== size) {
    throw new PackagingError(`manifest/${fileName} (the ${kind} icon) must be ${size}×${size}, is ${png.width}×${png.height}`);
  }
}

export interface PackageFile {
  readonly name: string;
  readonly data: Buffer;
}

// A fixed timestamp makes the same inputs give a byte-identical zip, so packages can be compared and cached.
const ZIP_DATE = new Date(Date.UTC(2025, 0, 1));

/** A zip with the files at its root, in the order given. */
export async function createZip(files: readonly PackageFile[]): Promise<Buffer> {
  const zip = new JSZip();
  for (const file of files) zip.file(file.name, file.data, { date: ZIP_DATE });
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 9 }, platform: 'DOS' });
}

export interface PackageOptions {
  readonly env: Environment;
  /** Defaults to the repository's manifest/ folder. */
  readonly manifestDir?: string;
  readonly validator?: ManifestValidator;
}

export interface TeamsPackage {
  readonly manifest: TeamsManifest;
  readonly zip: Buffer;
}

/** Builds, validates and zips the app package: manifest.json and the two icons, nothing else. */
export async function packageTeamsApp(options: PackageOptions): Promise<TeamsPackage> {
  const dir = options.manifestDir ?? manifestDir();
  const manifest = buildManifest(readManifestTemplate(dir), options.env);
  const validator = options.validator ?? createManifestValidator(loadSchema());
  const problems = validator(manifest);
  if (problems.length > 0) {
    throw new PackagingError(`the manifest does not match the Teams v1.29 schema:\n  ${problems.join('\n  ')}`);
  }
  const icons: PackageFile[] = (['color', 'outline'] as const).map((kind) => {
    const name = manifest.icons[kind];
    const path = join(dir, name);
    if (!existsSync(path)) throw new PackagingError(`manifest/${name} (the ${kind} icon) is missing`);
    const data = readFileSync(path);
    checkIcon(kind, name, data);
    return { name, data };
  });
  const manifestFile = { name: 'manifest.json', data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`, 'utf8') };
  return { manifest, zip: await createZip([manifestFile, ...icons]) };
}
