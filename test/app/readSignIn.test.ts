// Reading a verification: the client's own challenge as the core reports it now (expiry included); another
// client's is absent.
import { ReadSignIn } from '../../src/app/readSignIn';
import { RequestSignIn } from '../../src/app/requestSignIn';
import { PROFILE } from '../support/coreHarness';
import { OTHER_CLIENT, PORTAL, signInWorld } from './signInFixture';

describe('ReadSignIn', () => {
  it("when the client reads its challenge, then it is shown; another client's read finds nothing; after expiry it reads expired", async () => {
    const w = await signInWorld();
    const result = await new RequestSignIn({ ...w, verification: w.core.verification }).start(PORTAL, { user: PROFILE.upn, context: { ip: null, application: 'Portal', location: null } });
    if (result.kind !== 'started') throw new Error(result.kind);
    const read = new ReadSignIn(w.core.verification);
    expect((await read.read(PORTAL, result.challenge.id))?.status).toBe('pending');
    expect(await read.read(OTHER_CLIENT, result.challenge.id)).toBeNull();
    expect(await read.read(PORTAL, 'no-such-id')).toBeNull();
    w.clock.set(result.challenge.expiresAt);
    expect((await read.read(PORTAL, result.challenge.id))?.status).toBe('expired');
  });
});
