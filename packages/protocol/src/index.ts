export * from './accounts.ts';
export * from './close-codes.ts';
export * from './domain.ts';
export * from './errors.ts';
export * from './messages.ts';
export * from './notifications.ts';
export * from './sse-event-id.ts';
export * from './tables.ts';
