// The Teams app package: the committed manifest and icons against the v1.29 schema and Teams' icon rules, the
// manifest built from the environment, the zip `npm run package:teams` writes, and the validator's ability to fail.
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import JSZip from 'jszip';
import { PNG } from 'pngjs';
import { renderColorIcon, renderOutlineIcon } from '../../scripts/generateIcons';
import { main } from '../../scripts/packageTeams';
import {
  PLACEHOLDER_BOT_ID,
  PackagingError,
  buildManifest,
  createManifestValidator,
  defaultSchemaPath,
  loadSchema,
  packageTeamsApp,
  readManifestTemplate,
  type ManifestValidator,
  type TeamsManifest,
} from '../../scripts/teamsAppPackage';

const ROOT = join(__dirname, '..', '..');
const MANIFEST_DIR = join(ROOT, 'manifest');
const BOT_ID = '3f2504e0-4f89-41d3-9a0c-0305e82c3301';
const APP_ID = '9a8b7c6d-1234-4abc-8def-0123456789ab';
const COMMAND_TITLES = ['Set up MFA', 'Add a method', 'My methods', 'Help'];

// The repository's copy, so a fresh clone needs nothing outside it; its integrity is checked below.
const schema = loadSchema(defaultSchemaPath(ROOT));
/** sha256 of MicrosoftTeams.schema.json v1.29 at OfficeDev/microsoft-teams-app-schema a2a2ebc (the shared spec's SOURCE.md). */
const UPSTREAM_SCHEMA_SHA256 = '53e860fd650fd03fe587379d92af6c91374e791f041ce3f26c92d5e74aeafa0b';
let validate: ManifestValidator;
beforeAll(() => {
  validate = createManifestValidator(schema);
});

const template = (): TeamsManifest => readManifestTemplate(MANIFEST_DIR);
const readPng = (name: string): PNG => PNG.sync.read(readFileSync(join(MANIFEST_DIR, name)));

/** What buildManifest throws, so a test can check the message names the variable. */
function buildError(env: Record<string, string | undefined>): PackagingError {
  try {
    buildManifest(template(), env);
  } catch (error) {
    if (error instanceof PackagingError) return error;
    throw error;
  }
  throw new Error('buildManifest did not throw');
}

/** A path into the schema, so the limits checked are the schema's own rather than copies that could drift. */
function schemaAt(...path: string[]): Record<string, unknown> {
  return path.reduce<Record<string, unknown>>((node, key) => node[key] as Record<string, unknown>, schema);
}
const commandSchema = schemaAt('properties', 'bots', 'items', 'properties', 'commandLists', 'items', 'properties', 'commands', 'items', 'properties');

describe('the schema file', () => {
  it('when it is loaded, then it pins manifestVersion 1.29', () => {
    expect(schemaAt('properties', 'manifestVersion')['const']).toBe('1.29');
  });
});

describe('the committed manifest', () => {
  it('when it is validated against the v1.29 schema, then there are no problems', () => {
    expect(validate(template())).toEqual([]);
  });

  it('when its version fields are read, then $schema and manifestVersion both say 1.29', () => {
    const manifest = template();
    expect(manifest['manifestVersion']).toBe('1.29');
    expect(manifest['$schema']).toBe('https://developer.microsoft.com/en-us/json-schemas/teams/v1.29/MicrosoftTeams.schema.json');
    expect(manifest['version']).toBe('1.0.0');
  });

  it('when its bot is read, then it is personal-only, conversational, without files, with the placeholder id', () => {
    const bots = template().bots ?? [];
    expect(bots).toHaveLength(1);
    expect(bots[0]).toMatchObject({ botId: PLACEHOLDER_BOT_ID, scopes: ['personal'], supportsFiles: false, isNotificationOnly: false });
  });

  it('when its commands are read, then they are exactly the four titles, personal-only and within the schema limits', () => {
    const lists = (template().bots?.[0]?.['commandLists'] ?? []) as Array<{ scopes: string[]; commands: Array<{ title: string; description?: string }> }>;
    expect(lists).toHaveLength(1);
    expect(lists[0]!.scopes).toEqual(['personal']);
    const commands = lists[0]!.commands;
    expect(commands.map((c) => c.title)).toEqual(COMMAND_TITLES);
    expect(commands.length).toBeLessThanOrEqual(schemaAt('properties', 'bots', 'items', 'properties', 'commandLists', 'items', 'properties', 'commands')['maxItems'] as number);
    const titleMax = (commandSchema['title'] as { maxLength: number }).maxLength;
    const descriptionMax = (commandSchema['description'] as { maxLength: number }).maxLength;
    for (const command of commands) {
      expect(command.title.length).toBeLessThanOrEqual(titleMax);
      // 32 was the title limit up to 1.17; staying under it keeps the titles short enough for Teams' command menu.
      expect(command.title.length).toBeLessThanOrEqual(32);
      expect(command.description?.length ?? 0).toBeGreaterThan(0);
      expect(command.description!.length).toBeLessThanOrEqual(descriptionMax);
    }
  });

  it('when its names and descriptions are read, then they fit Teams limits', () => {
    const manifest = template() as TeamsManifest & { name: { short: string; full: string }; description: { short: string; full: string } };
    expect(manifest.name).toEqual({ short: 'Signet', full: 'Signet — sign-in security assistant' });
    expect(manifest.description.short.length).toBeLessThanOrEqual(80);
    expect(manifest.description.full.length).toBeGreaterThan(manifest.description.short.length);
    expect(manifest.icons).toEqual({ color: 'color.png', outline: 'outline.png' });
  });
});

describe('the validator', () => {
  it('when the manifest has an extra top-level property, then it is rejected with the property named', () => {
    const problems = validate({ ...template(), signetExtra: true });
    expect(problems).toEqual([expect.stringMatching(/additional properties 'signetExtra'/)]);
  });

  it('when the short description is 81 characters, then it is rejected', () => {
    const manifest = template() as TeamsManifest & { description: { short: string } };
    manifest.description.short = 'x'.repeat(81);
    expect(validate(manifest)).toEqual([expect.stringMatching(/^\/description\/short: .*80/)]);
  });

  it('when manifestVersion differs from the schema const, then it is rejected (const is enforced despite draft-04)', () => {
    expect(validate({ ...template(), manifestVersion: '1.28' })).toEqual([expect.stringMatching(/^\/manifestVersion: .*constant/)]);
  });

  it('when the bot id is not a GUID, then it is rejected', () => {
    const manifest = template();
    manifest.bots![0]!.botId = 'not-a-guid';
    expect(validate(manifest)).toEqual([expect.stringMatching(/^\/bots\/0\/botId: /)]);
  });
});

describe('the icons', () => {
  it('when color.png is decoded, then it is 192×192 and mostly opaque colour with a white mark', () => {
    const png = readPng('color.png');
    expect([png.width, png.height]).toEqual([192, 192]);
    let coloured = 0;
    let white = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      const [r, g, b, a] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!, png.data[i + 3]!];
      if (a === 255 && Math.max(r, g, b) - Math.min(r, g, b) > 64) coloured += 1;
      if (a === 255 && r === 255 && g === 255 && b === 255) white += 1;
    }
    const pixels = 192 * 192;
    expect(coloured / pixels).toBeGreaterThan(0.5);
    expect(white / pixels).toBeGreaterThan(0.05);
  });

  it('when outline.png is decoded, then it is 32×32 and every pixel is fully transparent or pure white', () => {
    const png = readPng('outline.png');
    expect([png.width, png.height]).toEqual([32, 32]);
    const offenders: string[] = [];
    let opaque = 0;
    let transparent = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      const [r, g, b, a] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!, png.data[i + 3]!];
      if (a === 0) transparent += 1;
      else if (r !== 255 || g !== 255 || b !== 255) offenders.push(`pixel ${i / 4}: rgba(${r},${g},${b},${a})`);
      if (a === 255) opaque += 1;
    }
    expect(offenders).toEqual([]);
    // A shape is actually drawn: a solid mark and a transparent surround (and keyhole).
    expect(opaque).toBeGreaterThan(200);
    expect(transparent).toBeGreaterThan(200);
    expect(png.data[3]).toBe(0);
  });

  it('when the generator draws the icons again, then the committed PNGs match pixel for pixel', () => {
    expect(readPng('color.png').data.equals(renderColorIcon().data)).toBe(true);
    expect(readPng('outline.png').data.equals(renderOutlineIcon().data)).toBe(true);
  });
});

describe('buildManifest', () => {
  it('when MicrosoftAppId is a GUID, then it becomes the bot id, the result validates and the template is untouched', () => {
    const original = template();
    const manifest = buildManifest(original, { MicrosoftAppId: BOT_ID });
    expect(manifest.bots?.[0]?.botId).toBe(BOT_ID);
    expect(manifest.id).toBe(original.id);
    expect(manifest.validDomains).toEqual([]);
    expect(validate(manifest)).toEqual([]);
    expect(original.bots?.[0]?.botId).toBe(PLACEHOLDER_BOT_ID);
  });

  it.each([
    ['missing', {}],
    ['empty', { MicrosoftAppId: '' }],
    ['not a GUID', { MicrosoftAppId: 'my-bot' }],
    ['a GUID with a stray character', { MicrosoftAppId: `${BOT_ID}x` }],
    ['the placeholder', { MicrosoftAppId: PLACEHOLDER_BOT_ID }],
  ])('when MicrosoftAppId is %s, then building fails naming MicrosoftAppId', (_case, env) => {
    expect(buildError(env).message).toMatch(/^MicrosoftAppId /);
  });

  it('when SIGNET_TEAMS_APP_ID and PUBLIC_BASE_URL are set, then they set the app id and a valid domain', () => {
    const manifest = buildManifest(template(), { MicrosoftAppId: BOT_ID, SIGNET_TEAMS_APP_ID: APP_ID, PUBLIC_BASE_URL: 'https://signet.school.example:8443/base' });
    expect(manifest.id).toBe(APP_ID);
    expect(manifest.validDomains).toEqual(['signet.school.example']);
    expect(validate(manifest)).toEqual([]);
  });

  it.each([
    ['SIGNET_TEAMS_APP_ID', { SIGNET_TEAMS_APP_ID: 'signet' }],
    ['PUBLIC_BASE_URL', { PUBLIC_BASE_URL: 'signet.school.example' }],
    ['PUBLIC_BASE_URL', { PUBLIC_BASE_URL: 'ftp://signet.school.example' }],
  ])('when %s is malformed, then building fails naming it', (name, env) => {
    expect(buildError({ MicrosoftAppId: BOT_ID, ...env }).message).toMatch(new RegExp(`^${name} `));
  });
});

describe('packageTeamsApp', () => {
  let workDir: string;
  beforeEach(() => {
    workDir = mkdtempSync(join(tmpdir(), 'signet-teams-'));
  });
  afterEach(() => {
    rmSync(workDir, { recursive: true, force: true });
  });

  it('when packaged, then the zip holds exactly manifest.json and the two icons, with the bot id substituted', async () => {
    const { zip } = await packageTeamsApp({ env: { MicrosoftAppId: BOT_ID }, manifestDir: MANIFEST_DIR, validator: validate });
    const unzipped = await JSZip.loadAsync(zip);
    expect(Object.keys(unzipped.files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    const manifest = JSON.parse(await unzipped.file('manifest.json')!.async('string')) as TeamsManifest;
    expect(manifest.bots?.[0]?.botId).toBe(BOT_ID);
    expect(validate(manifest)).toEqual([]);
    expect((await unzipped.file('color.png')!.async('nodebuffer')).equals(readFileSync(join(MANIFEST_DIR, 'color.png')))).toBe(true);
    expect((await unzipped.file('outline.png')!.async('nodebuffer')).equals(readFileSync(join(MANIFEST_DIR, 'outline.png')))).toBe(true);
  });

  it('when packaged twice from the same inputs, then the zips are byte-identical', async () => {
    const first = await packageTeamsApp({ env: { MicrosoftAppId: BOT_ID }, manifestDir: MANIFEST_DIR, validator: validate });
    const second = await packageTeamsApp({ env: { MicrosoftAppId: BOT_ID }, manifestDir: MANIFEST_DIR, validator: validate });
    expect(first.zip.equals(second.zip)).toBe(true);
  });

  it('when MicrosoftAppId is missing, then packaging rejects naming it', async () => {
    await expect(packageTeamsApp({ env: {}, manifestDir: MANIFEST_DIR, validator: validate })).rejects.toThrow(/MicrosoftAppId/);
  });

  it('when the template breaks the schema, then packaging rejects listing the problem', async () => {
    writeFileSync(join(workDir, 'manifest.json'), JSON.stringify({ ...template(), accentColor: 'blue' }));
    copyFileSync(join(MANIFEST_DIR, 'color.png'), join(workDir, 'color.png'));
    copyFileSync(join(MANIFEST_DIR, 'outline.png'), join(workDir, 'outline.png'));
    await expect(packageTeamsApp({ env: { MicrosoftAppId: BOT_ID }, manifestDir: workDir, validator: validate })).rejects.toThrow(/\/accentColor: /);
  });

  it('when an icon has the wrong size, then packaging rejects naming the file and the size', async () => {
    copyFileSync(join(MANIFEST_DIR, 'manifest.json'), join(workDir, 'manifest.json'));
    copyFileSync(join(MANIFEST_DIR, 'outline.png'), join(workDir, 'color.png'));
    copyFileSync(join(MANIFEST_DIR, 'outline.png'), join(workDir, 'outline.png'));
    await expect(packageTeamsApp({ env: { MicrosoftAppId: BOT_ID }, manifestDir: workDir, validator: validate })).rejects.toThrow(
      'manifest/color.png (the color icon) must be 192×192, is 32×32',
    );
  });
});

describe('the package:teams command', () => {
  let workDir: string;
  const lines: { log: string[]; error: string[] } = { log: [], error: [] };
  const output = { log: (line: string) => lines.log.push(line), error: (line: string) => lines.error.push(line) };
  beforeEach(() => {
    workDir = mkdtempSync(join(tmpdir(), 'signet-teams-cli-'));
    lines.log = [];
    lines.error = [];
  });
  afterEach(() => {
    rmSync(workDir, { recursive: true, force: true });
  });

  it('when MicrosoftAppId is a GUID, then it writes the zip to the path given and exits 0', async () => {
    const status = await main(['app.zip'], { MicrosoftAppId: BOT_ID, INIT_CWD: workDir }, output);
    expect(status).toBe(0);
    const unzipped = await JSZip.loadAsync(readFileSync(join(workDir, 'app.zip')));
    expect(Object.keys(unzipped.files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
    expect(lines.log).toEqual([expect.stringContaining(join(workDir, 'app.zip'))]);
  });

  it('when MicrosoftAppId is not a GUID, then it exits 1 with one line naming the variable and writes nothing', async () => {
    const status = await main([], { MicrosoftAppId: 'bot', INIT_CWD: workDir }, output);
    expect(status).toBe(1);
    expect(lines.error).toEqual([expect.stringMatching(/^package:teams: MicrosoftAppId must be a GUID/)]);
    expect(existsSync(join(workDir, 'signet-teams-app.zip'))).toBe(false);
  });
});

describe('the vendored schema', () => {
  it('when packaging reads the copy in manifest/schema, then it is byte for byte the upstream v1.29 schema', () => {
    expect(createHash('sha256').update(readFileSync(defaultSchemaPath(ROOT))).digest('hex')).toBe(UPSTREAM_SCHEMA_SHA256);
  });
});
