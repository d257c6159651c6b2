// The user-facing text of the pages and of sign-up errors (which the JSON sign-up answers too), kept in one table so
// the wording stays consistent and can be translated in one place.
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../oauth/password-policy';
import type { SignupProblem } from '../oauth/register-user';
import { USERNAME_MAX_LENGTH, USERNAME_MIN_LENGTH } from '../oauth/username';

const signupProblems: Record<SignupProblem, string> = {
  username_invalid: `Choose a username of ${USERNAME_MIN_LENGTH} to ${USERNAME_MAX_LENGTH} letters, digits, dots, dashes or underscores, starting and ending with a letter or digit.`,
  username_taken: 'That username is taken. Choose another one.',
  email_invalid: 'Enter a valid email address, or leave the email field empty.',
  password_too_short: `Choose a password of at least ${PASSWORD_MIN_LENGTH} characters.`,
  password_too_long: `Choose a password of at most ${PASSWORD_MAX_LENGTH} characters.`,
  password_weak: 'That password is too easy to guess (a common password, your username, or one repeated character). Choose another one.',
};

export const COPY = {
  product: 'Portcullis',
  login: {
    title: 'Sign in',
    username: 'Username',
    password: 'Password',
    submit: 'Sign in',
    invalidCredentials: 'Invalid username or password.',
    missingCredentials: 'Enter your username and password.',
    throttled: (minutes: number) => `Too many failed sign-in attempts. Try again in ${minutes} minute${minutes === 1 ? '' : 's'}.`,
    noAccount: 'No account yet?',
    signupLink: 'Create an account',
  },
  signup: {
    title: 'Create an account',
    username: 'Username',
    usernameHint: `${USERNAME_MIN_LENGTH} to ${USERNAME_MAX_LENGTH} letters, digits, dots, dashes or underscores.`,
    email: 'Email (optional)',
    password: 'Password',
    passwordHint: `At least ${PASSWORD_MIN_LENGTH} characters. Long passphrases are welcome; common passwords are refused.`,
    submit: 'Create account',
    haveAccount: 'Already have an account?',
    loginLink: 'Sign in',
    malformedJson: 'the body must be a JSON object with string fields username and password, and optionally email',
    problems: signupProblems,
  },
  account: {
    title: 'Your account',
    signedInAs: 'Signed in as',
    email: 'Email',
    logout: 'Sign out',
  },
  consent: {
    title: (client: string) => `${client} wants to access your account`,
    signedInAs: 'Signed in as',
    notYou: 'Not you? Sign in with another account',
    asksTo: (client: string) => `${client} asks to:`,
    returnsTo: (origin: string) => `Whatever you choose, you go back to ${origin}.`,
    allow: 'Allow',
    deny: 'Deny',
  },
  /** What each scope lets a client do, in the user's terms (the consent page). */
  scopes: {
    openid: 'Know who you are (your account identifier)',
    profile: 'See your username',
    email: 'See your email address',
    offline_access: 'Keep access while you are not using it, until you revoke it',
    read: 'Read your data',
    write: 'Create, change and delete your data',
  } as Readonly<Record<string, string>>,
  unknownScope: (scope: string) => `Use the permission "${scope}"`,
  endSession: {
    title: 'Sign out?',
    askedBy: (client: string) => `${client} asks to sign you out.`,
    question: 'Do you want to sign out?',
    signedInAs: 'Signed in as',
    confirm: 'Sign out',
    stay: 'Stay signed in',
    signedOutTitle: 'You are signed out',
    signedOut: 'You have been signed out.',
    signInAgain: 'Sign in again',
  },
  errors: {
    csrf: 'This form was sent from another site, or the page has expired. Go back, reload the page and try again.',
    titles: {
      400: 'The request could not be processed',
      403: 'Request refused',
      404: 'Page not found',
      405: 'Method not allowed',
      413: 'Request too large',
      429: 'Too many requests',
    } as Readonly<Record<number, string>>,
    fallbackTitle: 'Something went wrong',
  },
} as const;
