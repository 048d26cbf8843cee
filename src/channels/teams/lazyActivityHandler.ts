// An ActivityHandler that builds the real bot on its first turn: botbuilder-dialogs and every dialog load then,
// not at start-up (they were ~40 MB and over half a second of a start that otherwise serves SMS and the API too).
import { ActivityHandler, type TurnContext } from 'botbuilder';

export class LazyActivityHandler<T extends ActivityHandler> extends ActivityHandler {
  private built: T | undefined;

  constructor(private readonly build: () => T) {
    super();
  }

  /** The real handler, built the first time anything needs it. */
  get bot(): T {
    this.built ??= this.build();
    return this.built;
  }

  override run(context: TurnContext): Promise<void> {
    return this.bot.run(context);
  }
}
