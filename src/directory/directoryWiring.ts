// Picks the directory password reset writes to from configuration (memory by default, LDAP or Microsoft Graph),
// reading the LDAP CA file here so the adapter gets plain TLS options. The root calls verifyConfiguration at start.
import { readFileSync } from 'node:fs';
import type { DirectoryConfig } from '../config/directoryConfig';
import type { Logger } from '../logging/logger';
import type { Directory } from '../ports/directory';
import { GraphDirectory } from './graphDirectory';
import { LdapDirectory } from './ldapDirectory';
import { MemoryDirectory } from './memoryDirectory';

export interface DirectoryWiringOptions {
  /** Reads the LDAP CA file; injected by tests. */
  readonly readFile?: (path: string) => Buffer;
}

export function createDirectory(config: DirectoryConfig, logger: Logger, options: DirectoryWiringOptions = {}): Directory {
  switch (config.kind) {
    case 'ldap': {
      const readFile = options.readFile ?? ((path: string) => readFileSync(path));
      const tls = config.tlsCaFile === undefined ? {} : { ca: readFile(config.tlsCaFile) };
      return new LdapDirectory({ config, logger, tls });
    }
    case 'graph':
      return new GraphDirectory({ config, logger });
    case 'memory':
      return new MemoryDirectory({ minLength: config.minLength, history: config.history, maxFailures: config.maxFailures });
  }
}
