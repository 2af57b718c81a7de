import {
  preferencesGetInput,
  preferencesSetInput,
  viewCreateInput,
  viewDeleteInput,
  viewsListInput,
} from '../../../shared/contracts/dashboard.js';
import * as views from '../../core/dashboard/saved-views.service.js';
import { memberProcedure, router } from '../trpc.js';

// Views and preferences belong to the signed-in user within the current merchant; anyone who can see
// the lists may keep their own.
const member = memberProcedure('payments:read');
const owner = (ctx: { merchant: { id: string }; user: { id: string } }) => ({ merchantId: ctx.merchant.id, userId: ctx.user.id });

export const viewsRouter = router({
  list: member.input(viewsListInput).query(({ ctx, input }) => views.findSavedViews(ctx.deps.db, owner(ctx), input.page)),
  create: member.input(viewCreateInput).mutation(({ ctx, input }) => views.createSavedView(ctx.deps.db, owner(ctx), input)),
  delete: member.input(viewDeleteInput).mutation(({ ctx, input }) => views.deleteSavedView(ctx.deps.db, owner(ctx), input.id)),
});

export const preferencesRouter = router({
  get: member.input(preferencesGetInput).query(({ ctx, input }) => views.getPreference(ctx.deps.db, owner(ctx), input.key)),
  set: member.input(preferencesSetInput).mutation(({ ctx, input }) => views.setPreference(ctx.deps.db, owner(ctx), input.key, input.value)),
});
