// What the account services receive: Homeport's dependencies, passed in (HomeportContext satisfies it).
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Mailer } from '../mail/mailer.ts';
import type { Db } from '../store/database.ts';
import type { SecretBox } from '../store/secret-box.ts';

export interface AccountsContext {
  config: Config;
  db: Db;
  box: SecretBox;
  mailer: Mailer;
  logger: Logger;
}
