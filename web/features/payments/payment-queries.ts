import type { QueryClient } from '@tanstack/react-query';
import { trpc } from '../../lib/trpc';

/** Everything that shows a payment, its refunds or the lists must be fetched again after a money movement. */
export async function invalidatePayment(queryClient: QueryClient, paymentId: string) {
  await Promise.all([
    queryClient.invalidateQueries({ queryKey: trpc.payments.get.queryKey({ id: paymentId }) }),
    queryClient.invalidateQueries({ queryKey: trpc.payments.list.pathKey() }),
    queryClient.invalidateQueries({ queryKey: trpc.refunds.pathKey() }),
    queryClient.invalidateQueries({ queryKey: trpc.customers.get.pathKey() }),
  ]);
}

export const paymentDetailQuery = (id: string) => trpc.payments.get.queryOptions({ id });
export const PAYMENT_COLUMNS_PREFERENCE = 'payments.columns';
export const columnsPreferenceQuery = () => trpc.preferences.get.queryOptions({ key: PAYMENT_COLUMNS_PREFERENCE });
