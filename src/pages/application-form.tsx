// The developer pages' application form, to register an application or edit one: the fields map onto RFC 7591
// metadata and are validated as dynamic registration validates it (oauth/client-settings.ts). No JavaScript needed.
import type { ClientSettings } from '../oauth/client-settings';
import type { Client, ClientType } from '../storage/types';
import { applicationName, applicationPath, APPLICATIONS_PATH } from './applications';
import { COPY } from './copy';
import { CsrfField, FormError, Layout } from './layout';

/** Every setting, as the form shows it. */
export type ApplicationFields = Required<ClientSettings>;

/** The form's field names. Each checkbox has a name of its own, because form bodies may not repeat a parameter. */
export const APPLICATION_FIELD = {
  name: 'name',
  type: 'type',
  redirectUris: 'redirect_uris',
  allowedOrigins: 'allowed_origins',
  idTokenSigningAlg: 'id_token_signed_response_alg',
  userinfoSigningAlg: 'userinfo_signed_response_alg',
  grantType: (grantType: string) => `grant_type.${grantType}`,
  scope: (scope: string) => `scope.${scope}`,
} as const;

/** The choices the form offers: the grant types, scopes and signing algorithms (ID Token, userinfo) a client may register. */
export interface ApplicationChoices {
  grantTypes: readonly string[];
  scopes: readonly string[];
  idTokenSigningAlgorithms: readonly string[];
}

export interface ApplicationFormProps {
  csrfToken: string;
  values: ApplicationFields;
  choices: ApplicationChoices;
  /** A validation error as oauth/ words it (`redirect_uris[0] must use https ...`), shown next to the form. */
  problem?: string | undefined;
}

const CLIENT_TYPES: readonly ClientType[] = ['confidential', 'public'];
const text = COPY.applications;

export function NewApplicationPage({ csrfToken, values, choices, problem }: ApplicationFormProps) {
  return (
    <Layout title={text.newTitle}>
      <FormError message={problem && describeProblem(problem)} />
      <form method="post" action={`${APPLICATIONS_PATH}/new`}>
        <CsrfField token={csrfToken} />
        <ApplicationFieldset values={values} choices={choices} />
        <button type="submit">{text.create}</button>
      </form>
      <p>
        <a href={APPLICATIONS_PATH}>{text.back}</a>
      </p>
    </Layout>
  );
}

export function EditApplicationPage({
  client,
  saved,
  csrfToken,
  values,
  choices,
  problem,
}: ApplicationFormProps & { client: Client; saved: boolean }) {
  return (
    <Layout title={applicationName(client)}>
      {saved ? (
        <p class="notice" role="status">
          {text.saved}
        </p>
      ) : null}
      <FormError message={problem && describeProblem(problem)} />
      <dl>
        <dt>{text.clientId}</dt>
        <dd>
          <code>{client.id}</code>
        </dd>
      </dl>
      <form method="post" action={applicationPath(client.id)}>
        <CsrfField token={csrfToken} />
        <ApplicationFieldset values={values} choices={choices} />
        <button type="submit">{text.save}</button>
      </form>
      <h2>{text.secretHeading}</h2>
      {client.type === 'confidential' ? (
        <>
          <p>{text.rotateExplain}</p>
          <form method="post" action={applicationPath(client.id, 'rotate-secret')}>
            <CsrfField token={csrfToken} />
            <button type="submit" class="secondary">
              {text.rotate}
            </button>
          </form>
        </>
      ) : (
        <p>{text.noSecret}</p>
      )}
      <h2>{text.deleteHeading}</h2>
      <p>{text.deleteExplain}</p>
      <p>
        <a href={applicationPath(client.id, 'delete')}>{text.deleteLink}</a>
      </p>
      <p>
        <a href={APPLICATIONS_PATH}>{text.back}</a>
      </p>
    </Layout>
  );
}

/** The form's values for a stored client. */
export function applicationFieldsOf(client: Client): ApplicationFields {
  const { name, type, grantTypes, redirectUris, allowedOrigins, scopes } = client;
  const registeredAlg = (member: string) => {
    const alg = client.metadata[member];
    return typeof alg === 'string' ? alg : null;
  };
  return {
    name,
    type,
    grantTypes,
    redirectUris,
    allowedOrigins,
    scopes,
    idTokenSigningAlg: registeredAlg(APPLICATION_FIELD.idTokenSigningAlg),
    userinfoSigningAlg: registeredAlg(APPLICATION_FIELD.userinfoSigningAlg),
  };
}

function ApplicationFieldset({ values, choices }: { values: ApplicationFields; choices: ApplicationChoices }) {
  return (
    <>
      <label for="name">{text.name}</label>
      <input
        id="name"
        name={APPLICATION_FIELD.name}
        type="text"
        value={values.name}
        maxlength={200}
        required
        aria-describedby="name-hint"
      />
      <p class="hint" id="name-hint">
        {text.nameHint}
      </p>
      <fieldset>
        <legend>{text.type}</legend>
        {CLIENT_TYPES.map((type) => (
          <label class="choice">
            <input type="radio" name={APPLICATION_FIELD.type} value={type} checked={values.type === type} required />
            {text.typeChoices[type]}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>{text.grantTypes}</legend>
        {choices.grantTypes.map((grantType) => (
          <label class="choice">
            <input
              type="checkbox"
              name={APPLICATION_FIELD.grantType(grantType)}
              value="on"
              checked={values.grantTypes.includes(grantType)}
            />
            <code>{grantType}</code>
          </label>
        ))}
      </fieldset>
      <UriList
        id="redirect-uris"
        name={APPLICATION_FIELD.redirectUris}
        label={text.redirectUris}
        hint={text.redirectUrisHint}
        values={values.redirectUris}
      />
      <UriList
        id="allowed-origins"
        name={APPLICATION_FIELD.allowedOrigins}
        label={text.allowedOrigins}
        hint={text.allowedOriginsHint}
        values={values.allowedOrigins}
      />
      <fieldset>
        <legend>{text.scopes}</legend>
        {choices.scopes.map((scope) => (
          <label class="choice">
            <input
              type="checkbox"
              name={APPLICATION_FIELD.scope(scope)}
              value="on"
              checked={values.scopes.includes(scope)}
            />
            <code>{scope}</code>
          </label>
        ))}
      </fieldset>
      <AlgorithmSelect
        id="id-token-alg"
        name={APPLICATION_FIELD.idTokenSigningAlg}
        label={text.idTokenSigningAlg}
        defaultLabel={text.idTokenSigningAlgDefault}
        value={values.idTokenSigningAlg}
        algorithms={choices.idTokenSigningAlgorithms}
      />
      <AlgorithmSelect
        id="userinfo-alg"
        name={APPLICATION_FIELD.userinfoSigningAlg}
        label={text.userinfoSigningAlg}
        defaultLabel={text.userinfoSigningAlgDefault}
        value={values.userinfoSigningAlg}
        algorithms={choices.idTokenSigningAlgorithms}
      />
    </>
  );
}

/** A registered signing algorithm: the default first (sent as "", so absent), then the key set's algorithms. */
function AlgorithmSelect(props: {
  id: string;
  name: string;
  label: string;
  defaultLabel: string;
  value: string | null;
  algorithms: readonly string[];
}) {
  return (
    <>
      <label for={props.id}>{props.label}</label>
      <select id={props.id} name={props.name}>
        <option value="" selected={props.value === null}>
          {props.defaultLabel}
        </option>
        {props.algorithms.map((alg) => (
          <option value={alg} selected={props.value === alg}>
            {alg}
          </option>
        ))}
      </select>
    </>
  );
}

function UriList({
  id,
  name,
  label,
  hint,
  values,
}: {
  id: string;
  name: string;
  label: string;
  hint: string;
  values: string[];
}) {
  return (
    <>
      <label for={id}>{label}</label>
      <textarea id={id} name={name} rows={3} autocapitalize="none" spellcheck={false} aria-describedby={`${id}-hint`}>
        {values.join('\n')}
      </textarea>
      <p class="hint" id={`${id}-hint`}>
        {hint}
      </p>
    </>
  );
}

/** `redirect_uris[1] must use https` reads `Redirect URIs, line 2: must use https` on the form. */
function describeProblem(problem: string): string {
  const match = /^([a-z_]+)(?:\[(\d+)\])? (.+)$/.exec(problem);
  const label = match?.[1] === undefined ? undefined : text.fields[match[1]];
  if (!match || label === undefined) return problem;
  const line = match[2] === undefined ? '' : `, ${text.line(Number(match[2]) + 1)}`;
  return `${label}${line}: ${match[3]}`;
}
