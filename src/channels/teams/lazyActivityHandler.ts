// An ActivityHandler that builds the real bot when first needed: main() builds it before listening (so the first
// person after a restart does not wait for botbuilder-dialogs and every dialog to load); harnesses and tools that
// compose Signet without serving Teams never load them.
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
