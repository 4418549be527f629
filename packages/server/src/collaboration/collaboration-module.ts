import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { Counter } from 'prom-client';
import { approvalRoutes } from '../approvals/approval-routes.ts';
import { ApprovalService } from '../approvals/approval-service.ts';
import { WorkflowService } from '../approvals/workflow-service.ts';
import { commentRoutes } from '../comments/comment-routes.ts';
import { CommentService } from '../comments/comment-service.ts';
import type { AppContext } from '../context.ts';
import { assignmentNotifier } from '../notifications/assignment-notifier.ts';
import { createMailer } from '../notifications/mailer.ts';
import { NotificationDelivery } from '../notifications/notification-delivery.ts';
import { NotificationInbox } from '../notifications/notification-inbox.ts';
import { notificationRoutes } from '../notifications/notification-routes.ts';
import { PushSender, type PushSenderOptions } from '../notifications/push-sender.ts';
import type { Access } from '../workspaces/access.ts';

/** Intervals of the collaboration jobs. */
export const COLLABORATION_JOBS = {
  /** Immediate email and push from the outbox. */
  'notification-delivery': 5_000,
  /** Checks whose digest period is over. */
  'notification-digest': 5 * 60_000,
  /** Deletes old read notifications. */
  'notification-cleanup': 24 * 3600_000,
  /** Trims durable event history to EVENT_HISTORY_COUNT / EVENT_HISTORY_HOURS. */
  'event-history-trim': 3600_000,
} as const;

/** The collaboration domain wired into a server. */
export interface Collaboration {
  /** Comment, approval, workflow and notification routes, for the `/api/v1` scope. */
  readonly routes: (api: FastifyInstance) => Promise<void>;
  /** Sends what the outbox holds; exposed for tests and tools. */
  readonly delivery: NotificationDelivery;
  close(): void;
}

/** Options for {@link installCollaboration}. */
export interface CollaborationOptions {
  /** How Web Push requests reach push services. Default: Node's global HTTPS agent, 30 s timeout. */
  readonly push?: PushSenderOptions;
}

/**
 * Wires comments, approvals, workflow rules and notifications into a server: registers the
 * record-write listeners on `ctx.hooks`, the periodic jobs on `ctx.jobs`, and returns the routes.
 */
export function installCollaboration(ctx: AppContext, access: Access, options: CollaborationOptions = {}): Collaboration {
  const approvals = new ApprovalService(ctx, access);
  const workflows = new WorkflowService(ctx, access, approvals);
  ctx.hooks.add(workflows.onRecordWrite);
  ctx.hooks.add(assignmentNotifier(ctx.events));

  const dataDir = ctx.config.dataDir === ':memory:' ? join(process.cwd(), '.tmp') : ctx.config.dataDir;
  const mailer = createMailer({ smtpUrl: ctx.config.smtpUrl, from: ctx.config.mailFrom, mailDir: join(dataDir, 'mail'), log: ctx.log });
  const { vapidPublicKey, vapidPrivateKey } = ctx.secrets;
  const push =
    vapidPublicKey && vapidPrivateKey
      ? new PushSender({ publicKey: vapidPublicKey, privateKey: vapidPrivateKey }, ctx.config.vapidSubject, options.push)
      : null;
  const linkBase = () => {
    try {
      return ctx.publicOrigin();
    } catch {
      return ctx.config.publicUrl ?? '';
    }
  };
  const deliveries = new Counter({
    name: 'tandem_notification_deliveries_total',
    help: 'Email and push messages sent or failed, by channel and outcome.',
    labelNames: ['channel', 'outcome'],
    registers: [ctx.metrics],
  });
  const delivery = new NotificationDelivery(ctx.db, mailer, push, ctx.log, linkBase, (channel, outcome) => deliveries.inc({ channel, outcome }));

  ctx.jobs.register('notification-delivery', COLLABORATION_JOBS['notification-delivery'], async (now) => {
    await delivery.deliverDue(now);
  });
  ctx.jobs.register('notification-digest', COLLABORATION_JOBS['notification-digest'], async (now) => {
    await delivery.sendDigests(now);
  });
  ctx.jobs.register('notification-cleanup', COLLABORATION_JOBS['notification-cleanup'], async (now) => {
    await delivery.cleanUp(now, ctx.config.notificationRetentionDays);
  });
  ctx.jobs.register('event-history-trim', COLLABORATION_JOBS['event-history-trim'], async () => {
    const removed = await ctx.events.trim(ctx.db, { count: ctx.config.eventHistoryCount, hours: ctx.config.eventHistoryHours });
    if (removed > 0) ctx.log.info({ removed }, 'trimmed event history');
  });

  const comments = new CommentService(ctx, access);
  const inbox = new NotificationInbox(ctx);
  return {
    delivery,
    routes: async (api) => {
      await api.register(commentRoutes(ctx, access, comments));
      await api.register(approvalRoutes(approvals, workflows));
      await api.register(notificationRoutes(ctx, inbox, push, () => ctx.jobs.clock()));
    },
    close: () => mailer.close(),
  };
}
