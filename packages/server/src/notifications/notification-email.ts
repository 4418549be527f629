import { escapeHtml } from '../comments/comment-markdown.ts';
import type { MailMessage } from './mailer.ts';

/** One notification as an email shows it: its title, its plain body (mentions already read "@Name") and its link. */
export interface EmailItem {
  readonly title: string;
  readonly body: string;
  /** The absolute web-app link of what the notification is about. */
  readonly link: string;
}

/**
 * Inline styles only: mail clients drop `<style>` blocks and external sheets. A mention is
 * emphasised the way the app shows its chip, so "@Bob Okafor" stands out in the HTML part too.
 */
const MENTION_STYLE = 'background:#e8effd;color:#1d4ed8;border-radius:4px;padding:0 2px;font-weight:600';
const LINK_STYLE = 'color:#1d4ed8';

/**
 * The HTML of a notification's plain body: escaped, line breaks kept, and every "@Name" of
 * `mentionNames` (the members it mentions, longest first so "@Ann Lee" wins over "@Ann") marked.
 */
export function bodyHtml(body: string, mentionNames: readonly string[] = []): string {
  let html = escapeHtml(body);
  const names = [...new Set(mentionNames.map((n) => n.trim()).filter(Boolean))].sort((a, b) => b.length - a.length);
  if (names.length) {
    const alternatives = names.map((n) => escapeHtml(n).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
    html = html.replace(new RegExp(`@(${alternatives})(?![\\p{L}\\p{N}_])`, 'gu'), (m) => `<span style="${MENTION_STYLE}">${m}</span>`);
  }
  return html.replace(/\n/g, '<br>');
}

/** The email of one notification, as plain text and as HTML (both read "@Bob Okafor", never the mention markup). */
export function notificationEmail(to: string, item: EmailItem, mentionNames: readonly string[] = []): MailMessage {
  return {
    to,
    subject: item.title,
    text: `${item.body ? `${item.body}\n\n` : ''}${item.link}\n`,
    html: page(
      `<p style="margin:0 0 12px"><strong>${escapeHtml(item.title)}</strong></p>${item.body ? `<p style="margin:0 0 12px">${bodyHtml(item.body, mentionNames)}</p>` : ''}<p style="margin:0"><a style="${LINK_STYLE}" href="${escapeHtml(item.link)}">Open in Tandem</a></p>`,
    ),
  };
}

/** The digest email of a user's unread notifications, as plain text and as HTML. */
export function digestEmail(to: string, name: string, items: readonly EmailItem[], mentionNames: readonly string[] = []): MailMessage {
  const lines = items.map((i) => `• ${i.title}${i.body ? `\n  ${i.body.replace(/\n/g, '\n  ')}` : ''}\n  ${i.link}`);
  const rows = items
    .map(
      (i) =>
        `<li style="margin:0 0 12px"><a style="${LINK_STYLE}" href="${escapeHtml(i.link)}"><strong>${escapeHtml(i.title)}</strong></a>${i.body ? `<br>${bodyHtml(i.body, mentionNames)}` : ''}</li>`,
    )
    .join('');
  return {
    to,
    subject: `Tandem digest: ${items.length} unread notification${items.length === 1 ? '' : 's'}`,
    text: `Hello ${name},\n\nwhile you were away:\n\n${lines.join('\n\n')}\n`,
    html: page(
      `<p style="margin:0 0 12px">Hello ${escapeHtml(name)},</p><p style="margin:0 0 12px">while you were away:</p><ul style="padding-left:20px;margin:0">${rows}</ul>`,
    ),
  };
}

function page(inner: string): string {
  return `<!doctype html><html><body style="font-family:system-ui,-apple-system,'Segoe UI',sans-serif;font-size:14px;line-height:1.5;color:#1f2937">${inner}</body></html>`;
}
