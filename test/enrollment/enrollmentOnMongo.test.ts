// The enrollment journey against a real MongoDB-protocol server: a second service with its own client (another
// instance, or the same one after a restart) picks up mid-flow, and races are settled by the version check.
import { createMongoStores, type MongoStores } from '../../src/stores/mongoStores';
import { createCoreHarness, keys, PROFILE } from '../support/coreHarness';
import { freshDbName, mongoTestUri, recordingLogger } from '../support/mongo';

describe('enrollment on MongoDB', () => {
  const dbName = freshDbName('enrollment');
  const opened: MongoStores[] = [];
  const open = async (): Promise<MongoStores> => {
    const stores = await createMongoStores({ uri: mongoTestUri(), dbName, logger: recordingLogger(), indexes: 'manual' });
    await stores.ensureIndexes();
    opened.push(stores);
    return stores;
  };

  afterAll(async () => {
    const last = opened[opened.length - 1];
    if (last) await last.db.dropDatabase();
    await Promise.all(opened.map((s) => s.close()));
  });

  it('when a server restarts mid-flow, then a new instance on the same database finishes the enrollment', async () => {
    const first = createCoreHarness({ stores: await open(), seed: 'first' });
    await first.enrollment.ensureUser(PROFILE);
    await first.enrollment.apply(PROFILE.id, { type: 'start', purpose: 'register', kind: 'mobilePhone' }, { channel: 'teams' });
    await first.enrollment.apply(PROFILE.id, { type: 'submitPhone', number: '+1 425 555 0123', delivery: 'sms' }, { channel: 'teams' });
    const code = first.lastCode();
    await opened[0]!.close();

    const second = createCoreHarness({ stores: await open(), seed: 'second' });
    const wrong = code === '000000' ? '999999' : '000000';
    await Promise.all([
      second.enrollment.apply(PROFILE.id, { type: 'submitCode', code: wrong }, { channel: 'sms' }),
      second.enrollment.apply(PROFILE.id, { type: 'submitCode', code: wrong }, { channel: 'teams' }),
    ]);
    expect((await second.stores.users.get(PROFILE.id))?.enrollment?.step).toMatchObject({ name: 'codeSent', attempts: 2 });

    const [a, b] = await Promise.all([
      second.enrollment.apply(PROFILE.id, { type: 'submitCode', code }, { channel: 'sms' }),
      second.enrollment.apply(PROFILE.id, { type: 'submitCode', code }, { channel: 'teams' }),
    ]);
    expect([...keys(a), ...keys(b)].filter((k) => k === 'enrollment.verified.phone')).toHaveLength(1);
    const user = await second.stores.users.get(PROFILE.id);
    expect(user?.methods).toEqual([expect.objectContaining({ kind: 'mobilePhone', number: '+14255550123' })]);
    expect((await second.stores.audit.listForUser(PROFILE.id, 10)).map((e) => e.action)).toEqual(['method:added']);
  });
});
