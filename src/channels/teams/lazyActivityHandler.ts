// The Teams turn runner that builds the real bot on its first turn: botbuilder, botbuilder-dialogs and every dialog
// load then, not at start-up (together ~80 MB and over a second of a start that otherwise serves SMS and the API too).
import type { ActivityHandler, TurnContext } from 'botbuilder';

/** Runs turns like an ActivityHandler (what the /api/messages route needs), without being one. */
export class LazyActivityHandler<T extends ActivityHandler> {
  private built: T | undefined;

  constructor(private readonly build: () => T) {}

  /** The real handler, built the first time anything needs it. */
  get bot(): T {
    this.built ??= this.build();
    return this.built;
  }

  run(context: TurnContext): Promise<void> {
    return this.bot.run(context);
  }
}
