// Reads the developer pages' application form (pages/application-form.tsx) into client settings: one checkbox per
// grant type and scope, one URI per line. Validation is not done here but by oauth/client-settings.ts.
import type { Context } from 'hono';
import { OAuthError } from '../oauth/errors';
import { APPLICATION_FIELD, type ApplicationChoices, type ApplicationFields } from '../pages/application-form';
import type { AppEnv } from './context';
import { readForm } from './form';

export async function readApplicationForm(c: Context<AppEnv>, choices: ApplicationChoices): Promise<ApplicationFields> {
  const params = await readForm(c);
  const type = params.get(APPLICATION_FIELD.type);
  // The form always sends one of its two radio buttons; anything else was not sent by the form.
  if (type !== 'confidential' && type !== 'public')
    throw new OAuthError('invalid_request', 'type must be confidential or public');
  const checked = (options: readonly string[], field: (option: string) => string) =>
    options.filter((option) => params.get(field(option)) !== undefined);
  return {
    name: params.get(APPLICATION_FIELD.name)?.trim() ?? '',
    type,
    grantTypes: checked(choices.grantTypes, APPLICATION_FIELD.grantType),
    redirectUris: lines(params.get(APPLICATION_FIELD.redirectUris)),
    allowedOrigins: lines(params.get(APPLICATION_FIELD.allowedOrigins)),
    scopes: checked(choices.scopes, APPLICATION_FIELD.scope),
    // The select's first option, the default, sends "", which the form parser drops.
    idTokenSigningAlg: params.get(APPLICATION_FIELD.idTokenSigningAlg) ?? null,
    userinfoSigningAlg: params.get(APPLICATION_FIELD.userinfoSigningAlg) ?? null,
  };
}

function lines(value: string | undefined): string[] {
  return (value ?? '')
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}
