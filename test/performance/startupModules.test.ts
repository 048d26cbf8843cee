// What start-up loads: botbuilder-dialogs (and the dialogs) only on the first Teams turn, nodemailer only with
// SMTP configured. Each was a large share of start-up time and idle memory (issue 9's start-up and RSS goals).
describe('modules loaded by requiring the composition root', () => {
  afterEach(() => jest.resetModules());

  it.each(['botbuilder-dialogs', 'nodemailer'])('does not load %s', (heavy) => {
    let loaded = false;
    jest.isolateModules(() => {
      jest.doMock(heavy, () => {
        loaded = true;
        return jest.requireActual(heavy);
      });
      require('../../src/index');
    });
    expect(loaded).toBe(false);
  });
});
