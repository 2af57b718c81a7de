import { PaymentError } from '../../../shared/errors.js';
import type { Db } from '../../db/database.js';
import * as repo from './accounts.repository.js';
import { recordAudit } from './audit.service.js';

export interface MerchantDto {
  id: string; name: string; timezone: string; defaultCurrency: string; supportEmail: string | null;
  statementDescriptor: string | null; country: string; created: number;
  /** The owner requires a second factor of every member (members without one are sent to enrol). */
  requireTwoFactor: boolean;
}

export function toMerchantDto(row: NonNullable<Awaited<ReturnType<typeof repo.getMerchant>>>): MerchantDto {
  return {
    id: row.id, name: row.name, timezone: row.timezone, defaultCurrency: row.default_currency,
    supportEmail: row.support_email, statementDescriptor: row.statement_descriptor, country: row.country,
    created: Math.floor(new Date(row.created_at).getTime() / 1000),
    requireTwoFactor: row.require_two_factor,
  };
}

export async function getMerchant(db: Db, merchantId: string): Promise<MerchantDto> {
  const row = await repo.getMerchant(db, merchantId);
  if (!row) throw new PaymentError('resource_missing', `No such merchant: '${merchantId}'`);
  return toMerchantDto(row);
}

export async function updateMerchantSettings(db: Db, merchantId: string, userId: string, changes: { name?: string; timezone?: string; supportEmail?: string | null; statementDescriptor?: string | null }, from: { ip?: string | null; userAgent?: string | null } = {}) {
  return db.transaction().execute(async (tx) => {
    const row = await repo.updateMerchant(tx, merchantId, {
      name: changes.name,
      timezone: changes.timezone,
      support_email: changes.supportEmail,
      statement_descriptor: changes.statementDescriptor,
    });
    await recordAudit(tx, { merchantId, userId, action: 'merchant.updated', targetId: merchantId, data: changes, ip: from.ip, userAgent: from.userAgent });
    return toMerchantDto(row);
  });
}
