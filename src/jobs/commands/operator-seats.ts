// An operator raising a host's seats for its customer: the customer's own seat change, with the
// same rules (never lower) and the same prorated invoice, audited as the operator's.
import { notFound } from '../../domain/errors.ts';
import type { HomeportContext } from '../../homeport-context.ts';
import { updateHostSettings } from './update-host.ts';
import { findHost } from '../../store/hosts.ts';

export async function raiseSeatsForCustomer(context: HomeportContext, operatorId: string, hostId: string, seats: number): Promise<{ id: string; seats: number; invoiceNumber: string | null }> {
  const host = await findHost(context.db, hostId);
  if (!host) throw notFound(`Host ${hostId}`);
  const result = await updateHostSettings(context, host.account_id, host.id, { seats }, { accountId: operatorId, role: 'operator' });
  return { id: result.host.id, seats: result.host.seats, invoiceNumber: result.invoice?.number ?? null };
}
