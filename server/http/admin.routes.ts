import type { ADMIN_ROUTES } from '../../shared/api/admin.js';
import { refusal } from '../../shared/refusal.js';
import type { AccountService } from '../auth/accounts.service.js';
import type { AuditExports } from '../auth/audit-export.js';
import type { AuditService } from '../auth/audit.service.js';
import type { IngestTokenService } from '../auth/ingest-token.service.js';
import type { ViewerLinkService } from '../auth/viewer-link.service.js';
import { SIP_OFF, type SipEndpointState } from '../gb28181/state.js';
import type { SipRegistration } from '../../shared/sip.js';
import type { SipChannelService } from '../services/sip-channel.service.js';
import { refuse, type Outcome } from '../services/outcome.js';
import type { RouteHandlers } from './route-table.js';

/** An answer, or 404 with these words when there is nothing by that id. */
const found = <T>(value: T | null, none: () => ReturnType<typeof refusal>): Outcome<T> => (value ? { ok: true, data: value } : refuse(404, none()));

/**
 * Administration (shared/api/admin.ts, permission `admin`): the services keep the rules and
 * write the audit entry of every change with it. `sip`: the running GB/T 28181 endpoint's state
 * (server/gb28181/state.ts), {@link SIP_OFF} when absent.
 */
export function adminHandlers(deps: {
  accounts: AccountService; ingestTokens: IngestTokenService; viewerLinks: ViewerLinkService; audit: AuditService; auditExports: AuditExports;
  sipChannels: SipChannelService; sip?: SipEndpointState;
  /** Every node's registrations (REDIS_URL); this endpoint's own when absent. */
  sipRegistrations?: () => Promise<SipRegistration[]>;
  /** This node's id in the cluster, null on a single node. */
  node?: string | null;
}): RouteHandlers<typeof ADMIN_ROUTES> {
  const { accounts, ingestTokens, viewerLinks, audit, auditExports, sipChannels } = deps;
  const sip = deps.sip ?? SIP_OFF;
  const registrations = deps.sipRegistrations ?? (async () => sip.registrations());
  return {
    'admin.users': async () => ({ ok: true, data: { users: await accounts.list() } }),
    'admin.createUser': ({ body, actor }) => accounts.create(body, actor),
    'admin.updateUser': ({ params, body, actor }) => accounts.update(params.id, body, actor),
    'admin.resetPassword': ({ params, body, actor }) => accounts.resetPassword(params.id, body.password, actor),
    'admin.tokens': async () => ({ ok: true, data: { tokens: await ingestTokens.list() } }),
    'admin.createToken': async ({ body, actor }) => ({ ok: true, data: await ingestTokens.create(body.name, actor) }),
    'admin.revokeToken': async ({ params: { id }, actor }) => found(await ingestTokens.revoke(id, actor), () => refusal(`没有编号为 ${id} 的接入令牌`, `no token ${id}`)),
    'admin.viewerLinks': async () => ({ ok: true, data: { links: await viewerLinks.list() } }),
    'admin.createViewerLink': async ({ body, actor }) => ({ ok: true, data: await viewerLinks.create(body.name, body.districtCode, actor) }),
    'admin.revokeViewerLink': async ({ params: { id }, actor }) => found(await viewerLinks.revoke(id, actor), () => refusal(`没有编号为 ${id} 的查看链接`, `no viewer link ${id}`)),
    'admin.audit': async ({ query }) => ({ ok: true, data: await audit.page(query) }),
    'admin.auditCsv': ({ query, actor }) => auditExports.csv(query, actor),
    'admin.sip': async () => ({
      ok: true,
      data: { enabled: sip.platform !== null, platform: sip.platform, registrations: await registrations(), unassigned: await sipChannels.unassigned(), counters: sip.counters(), node: deps.node ?? null },
    }),
    'admin.assignSipChannel': ({ params, body, actor }) => sipChannels.assign(params.code, body, actor),
  };
}
