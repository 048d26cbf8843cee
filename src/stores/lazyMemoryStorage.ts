// botbuilder's MemoryStorage, made on its first use: requiring botbuilder costs ~40 MB and about a second at
// start-up, and only a Teams turn reads or writes dialog state (the memory store is the embedded default).
import type { MemoryStorage, Storage, StoreItems } from 'botbuilder';

export class LazyMemoryStorage implements Storage {
  private made: MemoryStorage | undefined;

  private get storage(): MemoryStorage {
    if (this.made === undefined) {
      const { MemoryStorage: Memory } = require('botbuilder') as typeof import('botbuilder');
      this.made = new Memory();
    }
    return this.made;
  }

  read(keys: string[]): Promise<StoreItems> {
    return this.storage.read(keys);
  }

  write(changes: StoreItems): Promise<void> {
    return this.storage.write(changes);
  }

  delete(keys: string[]): Promise<void> {
    return this.storage.delete(keys);
  }
}
