import {
  customerCreateInput,
  customerIdInput,
  customerListInput,
  customerUpdateInput,
} from '../../../shared/contracts/dashboard.js';
import * as dashboard from '../../core/dashboard/customers.service.js';
import { memberProcedure, router, fromReplica } from '../trpc.js';

const read = memberProcedure('payments:read');
const write = memberProcedure('customers:write');

/** Dashboard customers: search and list, a customer with their payments and totals, and edits through the core. */
export const customersRouter = router({
  list: read.use(fromReplica).input(customerListInput).query(({ ctx, input }) => dashboard.findCustomers(ctx.deps, ctx.scope, input)),
  get: read.input(customerIdInput).query(({ ctx, input }) => dashboard.getCustomerDetail(ctx.deps, ctx.scope, input.id)),
  create: write.input(customerCreateInput).mutation(({ ctx, input }) => dashboard.createCustomer(ctx.deps, ctx.actor, input)),
  update: write.input(customerUpdateInput).mutation(({ ctx, input }) => dashboard.updateCustomer(ctx.deps, ctx.actor, input)),
  delete: write.input(customerIdInput).mutation(({ ctx, input }) => dashboard.deleteCustomer(ctx.deps, ctx.actor, input.id)),
});
