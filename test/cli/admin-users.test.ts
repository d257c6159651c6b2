// `npm run admin -- users` on a temporary local D1 (issue 4): accounts created with the Worker's PBKDF2 hash and
// sign-up's policy and messages, passwords from stdin or generated and shown once, disable/enable, reset-password
// ending sessions, --json answers, and exit statuses 0/1/2 both in-process and as a real child process.
import { describe, expect, it } from 'vitest';
import { authenticateUser } from '../../src/accounts/authenticate-user';
import { admin, adminJson, adminProcess, randomName, useTemporaryDatabase, withDatabase } from './admin-harness';

const database = useTemporaryDatabase();
const PASSWORD = 'correct horse battery staple';
const run = (args: string[], stdin?: string) => admin(database.persistTo, args, stdin);
const runJson = <T = Record<string, unknown>>(args: string[], stdin?: string) =>
  adminJson<T>(database.persistTo, args, stdin);
const signIn = (username: string, password: string) =>
  withDatabase(database.persistTo, (stores) => authenticateUser(stores, username, password));

describe('npm run admin -- users', () => {
  it('creates an administrator with a password from stdin, hashed as the Worker hashes it', async () => {
    const username = randomName('ada');
    const created = await run(
      ['users', 'create', username.toUpperCase(), '--admin', '--email', 'ada@example.com', '--password-stdin'],
      `${PASSWORD}\n`,
    );
    expect(created.status).toBe(0);
    expect(created.stderr).toBe('');
    expect(created.stdout).toMatch(new RegExp(`^Created administrator ${username} \\(id [0-9a-f-]{36}\\)\\.$`));

    // The trailing newline of the piped input is not part of the password; the username was lower-cased.
    expect(await signIn(username, PASSWORD)).toMatchObject({
      username,
      email: 'ada@example.com',
      isAdmin: true,
      disabled: false,
    });
    const passwordHash = await withDatabase(
      database.persistTo,
      async (stores) => (await stores.users.findByUsername(username))?.passwordHash,
    );
    expect(passwordHash).toMatch(/^pbkdf2-sha256\$100000\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
  });

  it('generates a password, shows it once, and answers JSON for scripts', async () => {
    const username = randomName('bob');
    const answer = await runJson(['users', 'create', username]);
    expect(answer).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      username,
      email: null,
      email_verified: false,
      is_admin: false,
      disabled: false,
      created_at: expect.any(Number),
      password: expect.stringMatching(/^[A-Za-z0-9_-]{24}$/),
    });
    expect(await signIn(username, answer.password as string)).toMatchObject({ username, isAdmin: false });

    const listed = await runJson<Array<Record<string, unknown>>>(['users', 'list']);
    expect(listed).toContainEqual({ ...answer, password: undefined });
    expect(JSON.stringify(listed)).not.toContain('pbkdf2');
  });

  it('refuses what sign-up refuses, with the same words, and exits 1', async () => {
    const taken = randomName('cyd');
    await runJson(['users', 'create', taken]);
    const cases: Array<[string[], string, string]> = [
      [['users', 'create', taken], '', 'admin: That username is taken. Choose another one.'],
      [
        ['users', 'create', 'x'],
        '',
        'admin: Choose a username of 3 to 32 letters, digits, dots, dashes or underscores, starting and ending with a letter or digit.',
      ],
      [
        ['users', 'create', randomName('dee'), '--password-stdin'],
        'password',
        'admin: That password is too easy to guess (a common password, your username, or one repeated character). Choose another one.',
      ],
      [
        ['users', 'create', randomName('eve'), '--email', 'not an address'],
        '',
        'admin: Enter a valid email address, or leave the email field empty.',
      ],
      [['users', 'disable', 'nobody-here'], '', 'admin: there is no user named nobody-here'],
    ];
    for (const [args, stdin, message] of cases) {
      expect(await run(args, stdin)).toEqual({ status: 1, stdout: '', stderr: message });
    }
    expect(await run(['users', 'create', randomName('fay'), '--json'], '')).toMatchObject({ status: 0 });
    expect(await run(['users', 'enable', 'nobody-here', '--json'])).toEqual({
      status: 1,
      stdout: '',
      stderr: JSON.stringify({ error: 'not_found', error_description: 'there is no user named nobody-here' }),
    });
  });

  it('disables and enables a user', async () => {
    const username = randomName('gus');
    await run(['users', 'create', username, '--password-stdin'], PASSWORD);
    expect(await run(['users', 'disable', username])).toEqual({
      status: 0,
      stdout: `Disabled ${username}.`,
      stderr: '',
    });
    expect(await signIn(username, PASSWORD)).toBeNull();
    expect(await runJson(['users', 'enable', username])).toMatchObject({ username, disabled: false });
    expect(await signIn(username, PASSWORD)).toMatchObject({ username });
  });

  it('resets a password, checks it against the policy, and ends the user’s sessions', async () => {
    const username = randomName('hal');
    const { id } = await runJson(['users', 'create', username, '--password-stdin'], PASSWORD);
    const session = await withDatabase(database.persistTo, (stores) =>
      stores.sessions.create({
        userId: id as string,
        authTime: 1,
        nowSeconds: Math.floor(Date.now() / 1000),
        ttlSeconds: 3600,
      }),
    );

    expect(await run(['users', 'reset-password', username, '--password-stdin'], username)).toMatchObject({ status: 1 });
    const reset = await run(['users', 'reset-password', username]);
    expect(reset.status).toBe(0);
    const [summary, passwordLine, note] = reset.stdout.split('\n');
    expect(summary).toBe(`Set a new password for ${username} and ended their sessions.`);
    expect(note).toBe('It is shown only this once; only its hash is stored.');
    const password = /^Password: ([A-Za-z0-9_-]{24})$/.exec(passwordLine ?? '')?.[1];

    expect(await signIn(username, PASSWORD)).toBeNull();
    expect(await signIn(username, password!)).toMatchObject({ username });
    expect(
      await withDatabase(database.persistTo, (stores) =>
        stores.sessions.findActive(session.token, Math.floor(Date.now() / 1000)),
      ),
    ).toBeNull();
  });

  it('answers usage mistakes with exit status 2 and the usage', async () => {
    expect(await run(['users', 'create'])).toEqual({
      status: 2,
      stdout: '',
      stderr:
        'admin: expected <username>, got none\nusage: npm run admin -- users create <username> [--email <address>] [--admin] [--password-stdin]',
    });
    expect(await run(['users', 'create', 'someone', '--superuser'])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining("Unknown option '--superuser'"),
    });
    expect(await run(['users', 'frobnicate'])).toEqual({
      status: 2,
      stdout: '',
      stderr: 'admin: unknown command: users frobnicate\nrun `npm run admin -- --help` for the commands',
    });
    expect(await run(['--remote', 'users', 'list'])).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('--remote and --persist-to exclude each other'),
    });
    expect(await run(['users', 'create', randomName('ivy'), '--password-stdin'], '\n')).toMatchObject({
      status: 2,
      stderr: expect.stringContaining('standard input is empty'),
    });
    const help = await run(['--help']);
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('  users reset-password <username> [--password-stdin]');
  });

  it('runs as a process: stdout is only the answer, stdin is read, and the exit status is set', async () => {
    const username = randomName('jay');
    const created = await adminProcess(
      ['--persist-to', database.persistTo, 'users', 'create', username, '--password-stdin', '--json'],
      `${PASSWORD}\n`,
    );
    expect(created.status, created.stderr).toBe(0);
    expect(JSON.parse(created.stdout)).toMatchObject({ username });
    expect(await signIn(username, PASSWORD)).toMatchObject({ username });

    const unknown = await adminProcess(['--persist-to', database.persistTo, 'users', 'frobnicate']);
    expect(unknown).toMatchObject({ status: 2, stdout: '' });
  });
});

describe('npm run admin -- users two-factor-off', () => {
  it('turns off a user’s two-factor codes and deletes their recovery codes, and says when there were none', async () => {
    const username = randomName('tfa');
    const { id } = await runJson(['users', 'create', username, '--password-stdin'], `${PASSWORD}\n`);
    const userId = id as string;
    await withDatabase(database.persistTo, async (stores) => {
      await stores.twoFactor.startEnrolment(userId, 'sealed-secret', 1_800_000_000);
      await stores.twoFactor.confirm(userId, 60_000_000, ['hash-1', 'hash-2'], 1_800_000_000);
    });

    expect(await runJson(['users', 'two-factor-off', username])).toMatchObject({ username, two_factor_was_on: true });
    expect(
      await withDatabase(database.persistTo, async (stores) => ({
        credential: await stores.twoFactor.find(userId),
        recoveryCodes: await stores.twoFactor.countRecoveryCodes(userId),
      })),
    ).toEqual({ credential: null, recoveryCodes: 0 });
    expect((await run(['users', 'two-factor-off', username])).stdout).toBe(
      `${username} had no two-factor codes; nothing changed.`,
    );
  });
});
