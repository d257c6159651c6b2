// After the soak: what the clients hold against what D1 holds. A live family must have exactly one usable refresh
// token, the one its client holds (none is lost; none is duplicated); a dead token must be unusable; a redeemed code
// must be spent; a registration must exist exactly when it was not deleted.
import { hashOpaqueToken } from '../../../src/tokens/opaque';
import type { SoakState } from './traffic';

export interface AuditReport {
  /** Families whose held token D1 does not consider usable, and registrations gone that should exist. */
  lost: string[];
  /** Families with more than one usable token, codes not spent, dead tokens still usable, deleted clients left. */
  duplicated: string[];
}

const USABLE = 'rotated_at IS NULL AND revoked_at IS NULL';

export async function auditState(db: D1Database, state: SoakState): Promise<AuditReport> {
  const report: AuditReport = { lost: [], duplicated: [] };
  for (const family of state.families) {
    const hash = await hashOpaqueToken(family.refreshToken);
    const row = await db
      .prepare(`SELECT grant_id, (${USABLE}) AS usable FROM refresh_tokens WHERE token_hash = ?`)
      .bind(hash)
      .first<{ grant_id: string; usable: number }>();
    if (row?.usable !== 1) {
      report.lost.push(`refresh token family of ${family.client.clientId}`);
      continue;
    }
    const usable = await db
      .prepare(`SELECT count(*) AS n FROM refresh_tokens WHERE grant_id = ? AND ${USABLE}`)
      .bind(row.grant_id)
      .first<{ n: number }>();
    if (usable?.n !== 1) report.duplicated.push(`grant ${row.grant_id} has ${usable?.n} usable refresh tokens`);
  }
  for (const token of state.deadRefreshTokens) {
    const row = await db
      .prepare(`SELECT (${USABLE}) AS usable FROM refresh_tokens WHERE token_hash = ?`)
      .bind(await hashOpaqueToken(token))
      .first<{ usable: number }>();
    if (row?.usable === 1) report.duplicated.push('a revoked or replayed refresh token is still usable');
  }
  for (const code of state.redeemedCodes) {
    const row = await db
      .prepare('SELECT consumed_at FROM authorization_codes WHERE code_hash = ?')
      .bind(await hashOpaqueToken(code))
      .first<{ consumed_at: number | null }>();
    if (!row || row.consumed_at === null) report.duplicated.push('a redeemed code is not spent');
  }
  for (const registration of state.registrations) {
    const row = await db.prepare('SELECT 1 AS present FROM clients WHERE id = ?').bind(registration.clientId).first();
    if (registration.deleted && row) report.duplicated.push(`deleted client ${registration.clientId} is still stored`);
    if (!registration.deleted && !row) report.lost.push(`registered client ${registration.clientId} is gone`);
  }
  return report;
}
