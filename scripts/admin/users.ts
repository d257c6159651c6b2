// `users …` admin commands (the tutorials' createsuperuser and user admin): create, disable, enable, reset a
// password, sign out everywhere, turn off two-factor codes, list. Passwords go through the Worker's own policy and
// PBKDF2 hashing (src/accounts).
import { hashPassword } from '../../src/accounts/password-hash';
import { passwordProblem } from '../../src/accounts/password-policy';
import { registerUser } from '../../src/accounts/register-user';
import { hasTwoFactor, turnOffTwoFactor } from '../../src/accounts/two-factor';
import { COPY } from '../../src/pages/copy';
import type { Stores } from '../../src/storage/stores';
import type { User } from '../../src/storage/types';
import { epochSeconds } from '../../src/tokens/access-token';
import { generateOpaqueToken } from '../../src/tokens/opaque';
import {
  ACCESS_TOKEN_NOTE,
  CommandError,
  isoDate,
  parseCommandArgs,
  table,
  UsageError,
  type AdminCommand,
  type AdminContext,
} from './command';

/** 18 random bytes: a 24-character password, far above the policy's minimum, shown once. */
const GENERATED_PASSWORD_BYTES = 18;

const PASSWORD_OPTIONS = { 'password-stdin': { type: 'boolean' } } as const;

export const USER_COMMANDS: AdminCommand[] = [
  {
    name: 'users create',
    usage: 'users create <username> [--email <address>] [--admin] [--password-stdin]',
    summary:
      'create a user (an administrator with --admin); the password is read from stdin or generated and shown once',
    async run(argv, context) {
      const { values, positionals } = parseCommandArgs(
        argv,
        { email: { type: 'string' }, admin: { type: 'boolean' }, ...PASSWORD_OPTIONS },
        ['username'],
      );
      const { password, generated } = await choosePassword(values['password-stdin'], context);
      const input = { username: positionals[0] ?? '', password, email: values.email };
      const { stores } = await context.database();
      const outcome = await registerUser(stores.users, input, epochSeconds(), { isAdmin: values.admin ?? false });
      if ('problem' in outcome) throw new CommandError(COPY.signup.problems[outcome.problem], outcome.problem);
      const { user } = outcome;
      return {
        lines: [
          `Created ${user.isAdmin ? 'administrator' : 'user'} ${user.username} (id ${user.id}).`,
          ...passwordLines(password, generated),
        ],
        json: { ...userJson(user), ...(generated ? { password } : {}) },
      };
    },
  },
  {
    name: 'users disable',
    usage: 'users disable <username>',
    summary: 'stop a user from signing in; their sessions and refresh tokens stop working (until enabled again)',
    run: (argv, context) => setDisabled(argv, context, true),
  },
  {
    name: 'users enable',
    usage: 'users enable <username>',
    summary: 'let a disabled user sign in again',
    run: (argv, context) => setDisabled(argv, context, false),
  },
  {
    name: 'users reset-password',
    usage: 'users reset-password <username> [--password-stdin]',
    summary: 'set a new password (read from stdin or generated and shown once) and end all the user’s sessions',
    async run(argv, context) {
      const { values, positionals } = parseCommandArgs(argv, PASSWORD_OPTIONS, ['username']);
      const { stores } = await context.database();
      const user = await findUser(stores, positionals[0] ?? '');
      const { password, generated } = await choosePassword(values['password-stdin'], context);
      const problem = passwordProblem(password, user.username);
      if (problem !== null) throw new CommandError(COPY.signup.problems[problem], problem);
      await stores.users.updatePasswordHash(user.id, await hashPassword(password), epochSeconds());
      // A reset usually follows a compromise: whoever is signed in with the old password is signed out.
      await stores.sessions.deleteByUser(user.id);
      return {
        lines: [
          `Set a new password for ${user.username} and ended their sessions.`,
          ...passwordLines(password, generated),
        ],
        json: { ...userJson(user), ...(generated ? { password } : {}) },
      };
    },
  },
  {
    name: 'users sign-out',
    usage: 'users sign-out <username>',
    summary: 'end every session of a user and revoke all their refresh tokens, without touching the password',
    async run(argv, context) {
      const { positionals } = parseCommandArgs(argv, {}, ['username']);
      const { stores } = await context.database();
      const user = await findUser(stores, positionals[0] ?? '');
      await stores.sessions.deleteByUser(user.id);
      await stores.refreshTokens.revokeByUser(user.id, epochSeconds());
      return {
        lines: [`Ended every session of ${user.username} and revoked their refresh tokens.`, ACCESS_TOKEN_NOTE],
        json: { ...userJson(user), signed_out: true },
      };
    },
  },
  {
    name: 'users two-factor-off',
    usage: 'users two-factor-off <username>',
    summary:
      'turn off a user’s two-factor codes (lost phone and recovery codes): the password alone signs in until they set it up again',
    async run(argv, context) {
      const { positionals } = parseCommandArgs(argv, {}, ['username']);
      const { stores } = await context.database();
      const user = await findUser(stores, positionals[0] ?? '');
      const wasOn = await hasTwoFactor(stores, user.id);
      await turnOffTwoFactor(stores, user.id);
      return {
        lines: [
          wasOn
            ? `Turned off two-factor codes for ${user.username}; their recovery codes are deleted.`
            : `${user.username} had no two-factor codes; nothing changed.`,
        ],
        json: { ...userJson(user), two_factor_was_on: wasOn },
      };
    },
  },
  {
    name: 'users list',
    usage: 'users list',
    summary: 'list every user',
    auditType: null,
    async run(argv, context) {
      parseCommandArgs(argv, {});
      const users = await (await context.database()).stores.users.list();
      const rows = users.map((user) => [
        user.username,
        user.id,
        user.email ?? '',
        user.isAdmin ? 'admin' : '',
        user.disabled ? 'disabled' : '',
        isoDate(user.createdAt),
      ]);
      return {
        lines:
          users.length === 0 ? ['No users.'] : table(['USERNAME', 'ID', 'EMAIL', 'ROLE', 'STATUS', 'CREATED'], rows),
        json: users.map(userJson),
      };
    },
  },
];

async function setDisabled(argv: string[], context: AdminContext, disabled: boolean) {
  const { positionals } = parseCommandArgs(argv, {}, ['username']);
  const { stores } = await context.database();
  const user = await findUser(stores, positionals[0] ?? '');
  await stores.users.setDisabled(user.id, disabled, epochSeconds());
  return { lines: [`${disabled ? 'Disabled' : 'Enabled'} ${user.username}.`], json: { ...userJson(user), disabled } };
}

export async function findUser(stores: Pick<Stores, 'users'>, username: string): Promise<User> {
  const user = await stores.users.findByUsername(username.trim());
  if (!user) throw new CommandError(`there is no user named ${username}`, 'not_found');
  return user;
}

async function choosePassword(
  fromStdin: boolean | undefined,
  context: AdminContext,
): Promise<{ password: string; generated: boolean }> {
  if (!fromStdin) return { password: generateOpaqueToken(GENERATED_PASSWORD_BYTES), generated: true };
  // One trailing line break is what `echo` or a heredoc adds, not part of the password.
  const password = (await context.readStdin()).replace(/\r?\n$/, '');
  if (password === '') throw new UsageError('--password-stdin: standard input is empty');
  return { password, generated: false };
}

function passwordLines(password: string, generated: boolean): string[] {
  return generated ? [`Password: ${password}`, 'It is shown only this once; only its hash is stored.'] : [];
}

function userJson(user: User) {
  return {
    id: user.id,
    username: user.username,
    email: user.email,
    email_verified: user.emailVerified,
    is_admin: user.isAdmin,
    disabled: user.disabled,
    created_at: user.createdAt,
  };
}
