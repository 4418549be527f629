/**
 * SQL condition for "the record has at least one unresolved comment thread", for the records
 * list filter `has_unresolved_comments=true`. `recordAlias` is the alias of `records` in the
 * caller's query, e.g. `WHERE r.table_id = $1 AND ${hasUnresolvedCommentsSql('r')}`.
 */
export function hasUnresolvedCommentsSql(recordAlias: string): string {
  if (!/^[a-z_][a-z0-9_]*$/i.test(recordAlias)) throw new Error(`bad alias ${recordAlias}`);
  return `EXISTS (SELECT 1 FROM comments uc WHERE uc.record_id = ${recordAlias}.id AND uc.parent_id IS NULL AND uc.resolved_at IS NULL AND uc.deleted_at IS NULL)`;
}
