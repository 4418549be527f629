import { roleAtLeast, roomName } from '@tandem/protocol';
import { errors } from '../errors/app-error.ts';
import type { MessageHandler } from '../gateway-api.ts';
import type { Access } from '../workspaces/access.ts';

/**
 * Handles `cell_edit`: a live preview of a value being typed (not stored), relayed to the
 * record's table room for editors and above, keeping only the newest value per cell every 50 ms.
 */
export function liveCellEditHandler(access: Access): MessageHandler<'cell_edit'> {
  return async (message, context) => {
    const { record_id: recordId, field_id: fieldId, value } = message;
    const { caller } = context;
    const scope = await access.scopeOf(caller.userId, 'record', recordId);
    if (!scope?.tableId) throw errors.notFound('Record');
    if (!roleAtLeast(scope.role, 'editor')) throw errors.forbidden(`Your role (${scope.role}) cannot edit records.`);
    const room = roomName('table', scope.tableId);
    context.relayLatest(`edit:${recordId}:${fieldId}`, room, {
      type: 'cell_edit',
      room,
      record_id: recordId,
      field_id: fieldId,
      user_id: caller.userId,
      value,
    });
    return {};
  };
}
