export * from './tandem-provider.ts';
export * from './use-connection-status.ts';
export * from './use-lock.ts';
export * from './use-notifications.ts';
export * from './use-presence.ts';
export * from './use-records.ts';
export * from './use-room.ts';
