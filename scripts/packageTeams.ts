// `npm run package:teams [out.zip]`: writes the Teams app package (manifest.json, color.png, outline.png).
// Reads MicrosoftAppId (required), SIGNET_TEAMS_APP_ID and PUBLIC_BASE_URL (optional); see README "Teams app package".
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DEFAULT_ZIP_NAME, PackagingError, packageTeamsApp, type Environment } from './teamsAppPackage';

export interface CliOutput {
  log(line: string): void;
  error(line: string): void;
}

/** Returns the exit status; PackagingError becomes one readable line instead of a stack trace. */
export async function main(args: readonly string[], env: Environment, output: CliOutput = console): Promise<number> {
  // npm runs scripts from the package root; INIT_CWD is where the person typed the command, which is what a
  // relative output path should mean to them.
  const out = resolve(env['INIT_CWD'] ?? process.cwd(), args[0] ?? DEFAULT_ZIP_NAME);
  try {
    const { manifest, zip } = await packageTeamsApp({ env });
    writeFileSync(out, zip);
    output.log(`package:teams: wrote ${out} (app id ${manifest.id}, bot id ${manifest.bots?.[0]?.botId ?? '?'})`);
    return 0;
  } catch (error) {
    if (!(error instanceof PackagingError)) throw error;
    output.error(`package:teams: ${error.message}`);
    return 1;
  }
}

if (require.main === module) {
  main(process.argv.slice(2), process.env).then(
    (status) => {
      process.exitCode = status;
    },
    (error: unknown) => {
      console.error(error);
      process.exitCode = 1;
    },
  );
}
