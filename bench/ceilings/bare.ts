// Ceiling: the cheapest Hono route workerd serves, the anchor for JWKS and discovery (issue 5, goal 3).
import { Hono } from 'hono';

export default new Hono().get('/', (c) => c.text('hello'));
