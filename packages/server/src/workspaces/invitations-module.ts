import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { AuthService } from '../auth/auth-service.ts';
import type { AppContext } from '../context.ts';
import { createMailer } from '../notifications/mailer.ts';
import type { Access } from './access.ts';
import { invitationRoutes } from './invitation-routes.ts';
import { InvitationService } from './invitation-service.ts';
import { WorkspaceService } from './workspace-service.ts';

/** Invitations by email wired into a server. */
export interface Invitations {
  /** Invitation routes, for the `/api/v1` scope. */
  readonly routes: (api: FastifyInstance) => Promise<void>;
  readonly service: InvitationService;
  close(): void;
}

/** Composes invitations with the same mail path as notifications: `SMTP_URL`, or `.eml` files in `DATA_DIR/mail`. */
export function installInvitations(ctx: AppContext, access: Access, auth: AuthService): Invitations {
  const dataDir = ctx.config.dataDir === ':memory:' ? join(process.cwd(), '.tmp') : ctx.config.dataDir;
  const mailer = createMailer({ smtpUrl: ctx.config.smtpUrl, from: ctx.config.mailFrom, mailDir: join(dataDir, 'mail'), log: ctx.log });
  const service = new InvitationService(ctx, access, auth, new WorkspaceService(ctx, access), mailer);
  return { routes: invitationRoutes(ctx, service), service, close: () => mailer.close() };
}
