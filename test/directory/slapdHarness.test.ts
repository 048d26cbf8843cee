// The test directory itself: two test files may be handed the same "free" port (the probe closes it before slapd
// listens). A second slapd on a taken port must notice it is talking to the first one's data and move, or its tests
// would lock and unlock another file's people.
import { Client } from 'ldapts';
import { SERVICE_DN, SERVICE_PASSWORD, SUFFIX, freePort, startSlapd, type RunningSlapd } from '../support/slapd';

async function markerOf(url: string): Promise<unknown> {
  const client = new Client({ url, timeout: 3000 });
  try {
    await client.bind(SERVICE_DN, SERVICE_PASSWORD);
    const { searchEntries } = await client.search(SUFFIX, { scope: 'base', attributes: ['description'] });
    return searchEntries[0]?.['description'];
  } finally {
    await client.unbind().catch(() => undefined);
  }
}

let first: RunningSlapd | undefined;
let second: RunningSlapd | undefined;

afterAll(async () => {
  await second?.stop();
  await first?.stop();
});

test('when the port handed to a second slapd is already served by another, then it starts on another port with its own data', async () => {
  first = await startSlapd();
  const takenPort = Number(new URL(first.url).port);
  let offered = 0;
  second = await startSlapd({
    choosePort: async () => {
      offered++;
      return offered === 1 ? takenPort : freePort();
    },
  });
  expect(offered).toBeGreaterThan(1);
  expect(second.url).not.toBe(first.url);
  const [a, b] = [await markerOf(first.url), await markerOf(second.url)];
  expect(typeof a).toBe('string');
  expect(b).not.toEqual(a);
}, 60_000);
