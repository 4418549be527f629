export * from './chat-api.ts';
export * from './chat-message-list.ts';
export * from './chat-outbox.ts';
export * from './chat-room-list.ts';
export * from './chat-types.ts';
export * from './chat-typing.ts';
export * from './chat-unread.ts';
export * from './file-upload.ts';
