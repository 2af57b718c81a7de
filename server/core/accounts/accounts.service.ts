/**
 * The accounts area's public surface for the rest of the server (routers, jobs, CLI, seeding, tests).
 * Each responsibility lives in its own file; import from here outside server/core/accounts.
 */
export * from './users.service.js';
export * from './sessions.service.js';
export * from './merchants.service.js';
export * from './team.service.js';
export * from './audit.service.js';
export * from './account-links.service.js';
export { issueDeviceToken } from './devices.js';
export { pruneForgivenThrottles } from './throttle.js';
export { auditOf, type AuditRecord } from './audit-entries.js';
