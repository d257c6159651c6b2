// Input schemas of the sample API, applied with parseInput (http/json.ts) at the edge: the bodies (JSON, or the form
// fields of the Django tutorial's `curl -d "name=djangounchained&age=34"`) for create (POST), replace (PUT) and
// partial update (PATCH), and the list's paging query. Bad input is a 400 invalid_request.
import * as v from 'valibot';

const MAX_PAGE_SIZE = 100;
const MAX_AGE_YEARS = 10_000;
const AGE_MESSAGE = `age must be an integer from 0 to ${MAX_AGE_YEARS}`;
const DEFAULT_PAGE_SIZE = 50;

const name = v.pipe(
  v.string('name must be a string'),
  v.trim(),
  v.minLength(1, 'name must not be empty'),
  v.maxLength(100, 'name must be at most 100 characters'),
);
// A JSON number, or the digits of a form field (forms carry only strings, as in Django REST Framework).
const age = v.pipe(
  v.union([v.number(), v.pipe(v.string(), v.regex(/^\d{1,5}$/), v.transform(Number))], AGE_MESSAGE),
  v.integer(AGE_MESSAGE),
  v.minValue(0, AGE_MESSAGE),
  v.maxValue(MAX_AGE_YEARS, AGE_MESSAGE),
);
const color = v.pipe(
  v.string('color must be a string'),
  v.trim(),
  v.minLength(1, 'color must not be empty'),
  v.maxLength(40, 'color must be at most 40 characters'),
);

// valibot reports a missing member as an issue of the object schema; readJsonObject (http/json.ts) has excluded
// non-objects.
const objectMessage = (issue: v.ObjectIssue) => `${String(issue.path?.[0]?.key ?? 'the body')} is required`;

export const newUnicorn = v.object({ name, age, color: v.optional(color) }, objectMessage);
export const unicornPatch = v.pipe(
  v.partial(newUnicorn),
  v.check(
    (patch) => patch.name !== undefined || patch.age !== undefined || patch.color !== undefined,
    'the body must change name, age or color',
  ),
);

const pageNumber = (label: string, min: number, max: number, fallback: number) =>
  v.optional(
    v.pipe(
      v.string(),
      v.regex(/^\d{1,6}$/, `${label} must be an integer from ${min} to ${max}`),
      v.transform(Number),
      v.minValue(min, `${label} must be an integer from ${min} to ${max}`),
      v.maxValue(max, `${label} must be an integer from ${min} to ${max}`),
    ),
    String(fallback),
  );

export const page = v.object({
  limit: pageNumber('limit', 1, MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE),
  offset: pageNumber('offset', 0, 999_999, 0),
});
