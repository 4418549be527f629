import { CANVAS_EDGES, CANVAS_NODES, type DocumentKind, RICH_TEXT_FRAGMENT } from '@tandem/protocol';
import * as Y from 'yjs';

/** Longest plain rendering kept in a record's value (the long text limit). */
export const MAX_PLAIN_LENGTH = 100_000;

/**
 * The plain rendering of a document: markdown for rich text (the ProseMirror nodes TipTap's
 * starter kit writes), a list of nodes and their links for a canvas.
 */
export function documentText(doc: Y.Doc, kind: DocumentKind): string {
  const text = kind === 'rich_text' ? blocks(doc.getXmlFragment(RICH_TEXT_FRAGMENT).toArray(), '').join('\n\n') : canvasText(doc);
  return text.slice(0, MAX_PLAIN_LENGTH);
}

type XmlNode = Y.XmlElement | Y.XmlText | Y.XmlHook;

function blocks(nodes: readonly XmlNode[], indent: string): string[] {
  const out: string[] = [];
  for (const node of nodes) {
    if (!(node instanceof Y.XmlElement)) {
      if (node instanceof Y.XmlText) out.push(indent + inline(node));
      continue;
    }
    const children = node.toArray() as XmlNode[];
    switch (node.nodeName) {
      case 'heading': {
        const level = Math.min(6, Math.max(1, Number(node.getAttribute('level') ?? 1)));
        out.push(`${indent}${'#'.repeat(level)} ${inlineOf(children)}`);
        break;
      }
      case 'bulletList':
      case 'orderedList':
        children.forEach((item, i) => {
          const marker = node.nodeName === 'bulletList' ? '- ' : `${i + 1}. `;
          const inner = item instanceof Y.XmlElement ? blocks(item.toArray() as XmlNode[], '') : [];
          const [first = '', ...rest] = inner.join('\n').split('\n');
          out.push([`${indent}${marker}${first}`, ...rest.map((l) => `${indent}${' '.repeat(marker.length)}${l}`)].join('\n'));
        });
        break;
      case 'blockquote':
        out.push(
          blocks(children, '')
            .join('\n\n')
            .split('\n')
            .map((l) => `${indent}> ${l}`)
            .join('\n'),
        );
        break;
      case 'codeBlock':
        out.push(`${indent}\`\`\`\n${inlineOf(children, false)}\n\`\`\``);
        break;
      case 'horizontalRule':
        out.push(`${indent}---`);
        break;
      default:
        out.push(indent + inlineOf(children));
    }
  }
  return out;
}

function inlineOf(nodes: readonly XmlNode[], marks = true): string {
  return nodes
    .map((n) => {
      if (n instanceof Y.XmlText) return marks ? inline(n) : n.toString().replace(/<[^>]*>/g, '');
      if (n instanceof Y.XmlElement && n.nodeName === 'hardBreak') return '\n';
      if (n instanceof Y.XmlElement) return inlineOf(n.toArray() as XmlNode[], marks);
      return '';
    })
    .join('');
}

/** Text with its marks as markdown. */
function inline(text: Y.XmlText): string {
  return (text.toDelta() as { insert: unknown; attributes?: Record<string, unknown> }[])
    .map(({ insert, attributes = {} }) => {
      if (typeof insert !== 'string') return '';
      let s = insert;
      if (attributes.code) s = `\`${s}\``;
      if (attributes.bold) s = `**${s}**`;
      if (attributes.italic) s = `_${s}_`;
      if (attributes.strike) s = `~~${s}~~`;
      const link = attributes.link as { href?: unknown } | undefined;
      if (link && typeof link.href === 'string') s = `[${s}](${link.href})`;
      return s;
    })
    .join('');
}

function canvasText(doc: Y.Doc): string {
  const nodes = doc.getMap<Y.Map<unknown>>(CANVAS_NODES);
  const edges = doc.getMap<Y.Map<unknown>>(CANVAS_EDGES);
  const title = (id: string) => String(nodes.get(id)?.get('title') ?? id);
  const lines: string[] = [];
  for (const [, node] of nodes) {
    const text = String(node.get('text') ?? '');
    lines.push(`- ${String(node.get('title') ?? '')}${text ? `: ${text}` : ''}`);
  }
  for (const [, edge] of edges) lines.push(`- ${title(String(edge.get('source')))} → ${title(String(edge.get('target')))}`);
  return lines.join('\n');
}

/** Fills an empty rich text document with `text`, one paragraph per line (a field converted to rich text keeps its value). */
export function seedRichText(doc: Y.Doc, text: string): void {
  const fragment = doc.getXmlFragment(RICH_TEXT_FRAGMENT);
  if (fragment.length > 0 || text === '') return;
  doc.transact(() => {
    fragment.insert(
      0,
      text.split('\n').map((line) => {
        const p = new Y.XmlElement('paragraph');
        if (line) p.insert(0, [new Y.XmlText(line)]);
        return p;
      }),
    );
  });
}

/**
 * Makes `doc` hold what `version` holds, as ordinary edits (so collaborators follow it and it
 * can itself be undone by another restore). Rich text is emptied and refilled with copies of the
 * version's content, unless it is the same already; a canvas has the nodes and edges the version
 * lacks deleted and those that differ from it replaced, so one that is the same stays untouched
 * (and an edit someone makes to it meanwhile survives). Changes nothing when both hold the same.
 */
export function replaceContent(doc: Y.Doc, version: Y.Doc, kind: DocumentKind): void {
  doc.transact(() => {
    if (kind === 'rich_text') {
      const fragment = doc.getXmlFragment(RICH_TEXT_FRAGMENT);
      // The XML string carries every element, attribute and mark.
      if (fragment.toString() === version.getXmlFragment(RICH_TEXT_FRAGMENT).toString()) return;
      fragment.delete(0, fragment.length);
      fragment.insert(
        0,
        version
          .getXmlFragment(RICH_TEXT_FRAGMENT)
          .toArray()
          .map((n) => n.clone() as Y.XmlElement | Y.XmlText),
      );
      return;
    }
    for (const name of [CANVAS_NODES, CANVAS_EDGES]) {
      const target = doc.getMap<Y.Map<unknown>>(name);
      const source = version.getMap<Y.Map<unknown>>(name);
      for (const key of [...target.keys()]) if (!source.has(key)) target.delete(key);
      for (const [key, value] of source) {
        const now = target.get(key);
        if (!now || !sameFields(now.toJSON(), value.toJSON())) target.set(key, value.clone());
      }
    }
  });
}

function sameFields(a: Record<string, unknown>, b: Record<string, unknown>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && JSON.stringify(a[k]) === JSON.stringify(b[k]));
}
