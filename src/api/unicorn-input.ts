// Input schemas of the sample API, applied with parseInput (http/json.ts) at the edge: JSON bodies for create (POST),
// replace (PUT) and partial update (PATCH), and the list's paging query. Bad input is a 400 invalid_request.
import * as v from 'valibot';

const MAX_PAGE_SIZE = 100;
const DEFAULT_PAGE_SIZE = 50;

const name = v.pipe(
  v.string('name must be a string'),
  v.trim(),
  v.minLength(1, 'name must not be empty'),
  v.maxLength(100, 'name must be at most 100 characters'),
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

export const newUnicorn = v.object({ name, color }, objectMessage);
export const unicornPatch = v.pipe(
  v.partial(newUnicorn),
  v.check((patch) => patch.name !== undefined || patch.color !== undefined, 'the body must change name or color'),
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
